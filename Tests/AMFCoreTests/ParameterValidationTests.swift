import AMFTestSupport
import Foundation
import Testing

@testable import AMFCore

/// Strict decoding's extras, `InvalidParameter` paths, canonical JSON details and worktree commits.
@Suite struct ParameterValidationTests {
  struct Window: Decodable {
    var size: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case size }
    init(from decoder: any Decoder) throws {
      try decoder.rejectUnknownKeys(CodingKeys.self, allowing: ["comment"])
      size = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .size)
      try decoder.validating {
        guard size > 0 else { throw InvalidParameter("size", reason: "must be positive, found \(size)") }
      }
    }
  }

  struct Outer: Decodable { var window: Window }

  @Test func allowedExtraKeysPassAndTheUnknownOneIsStructured() throws {
    let decoded = try JSONDecoder().decode(Window.self, from: Data(#"{"size": 3, "comment": "x"}"#.utf8))
    #expect(decoded.size == 3)
    do {
      _ = try JSONDecoder().decode(Outer.self, from: Data(#"{"window": {"size": 3, "sise": 4}}"#.utf8))
      Issue.record("an unknown key was accepted")
    } catch DecodingError.dataCorrupted(let context) {
      #expect(context.codingPath.map(\.stringValue) == ["window", "sise"])
      #expect(context.underlyingError as? UnknownKeyError == UnknownKeyError(key: "sise", allowed: ["comment", "size"]))
    }
  }

  /// `validating` re-throws an `InvalidParameter` at the field's full coding path.
  @Test func invalidParameterPointsAtTheField() throws {
    do {
      _ = try JSONDecoder().decode(Outer.self, from: Data(#"{"window": {"size": -2}}"#.utf8))
      Issue.record("a negative size was accepted")
    } catch DecodingError.dataCorrupted(let context) {
      #expect(context.codingPath.map(\.stringValue) == ["window", "size"])
      #expect(context.debugDescription == "must be positive, found -2")
    }
    #expect(InvalidParameter("budget", "demos", reason: "must be even").description == "budget.demos: must be even")
    #expect(AnyCodingKey(intValue: 4)?.stringValue == "4" && AnyCodingKey("k").intValue == nil)
  }

  /// Sorted keys at every level, arrays kept in order, slashes unescaped, no whitespace.
  @Test func canonicalJSONIsByteStable() throws {
    let value: [String: [String: [Int]]] = ["b": ["z": [3, 1], "a": []], "a": ["m/n": [2]]]
    let text = try CanonicalJSON.string(value)
    #expect(text == #"{"a":{"m/n":[2]},"b":{"a":[],"z":[3,1]}}"#)
    #expect(try CanonicalJSON.data(value) == Data(text.utf8))
    #expect(try CanonicalJSON.decode([String: [String: [Int]]].self, from: text) == value)
  }

  /// A worktree checkout: `.git` is a file pointing at `<common>/worktrees/wt`, whose HEAD names a branch
  /// that only the common directory's refs hold.
  @Test func worktreeCommitIsReadThroughCommondir() throws {
    let root = try TemporaryDirectory("amf-worktree")
    defer { root.remove() }
    let commit = "89abcdef0123456789abcdef0123456789abcdef"
    let common = root.file("main/.git")
    let worktreeGit = common.appendingPathComponent("worktrees/wt")
    try FileManager.default.createDirectory(at: common.appendingPathComponent("refs/heads"),
                                            withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: worktreeGit, withIntermediateDirectories: true)
    try (commit + "\n").write(to: common.appendingPathComponent("refs/heads/feature"), atomically: true, encoding: .utf8)
    try "ref: refs/heads/feature\n".write(to: worktreeGit.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
    try "../..\n".write(to: worktreeGit.appendingPathComponent("commondir"), atomically: true, encoding: .utf8)
    let checkout = root.file("wt")
    try FileManager.default.createDirectory(at: checkout.appendingPathComponent("Sources"), withIntermediateDirectories: true)
    try "gitdir: \(worktreeGit.path)\n".write(to: checkout.appendingPathComponent(".git"), atomically: true, encoding: .utf8)
    #expect(ProjectVersion.gitCommit(sourceFile: checkout.path + "/Sources/File.swift") == commit)
    // A HEAD naming a ref that exists nowhere gives nil, not a guess.
    try "ref: refs/heads/gone\n".write(to: worktreeGit.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
    #expect(ProjectVersion.gitCommit(sourceFile: checkout.path + "/Sources/File.swift") == nil)
  }

  @Test func versionDescriptionStartsWithThePackageVersion() {
    let description = ProjectVersion.description
    #expect(description == ProjectVersion.package || description.hasPrefix(ProjectVersion.package + "+"))
    if let commit = ProjectVersion.gitCommit() { #expect(description == "\(ProjectVersion.package)+\(commit.prefix(12))") }
  }
}
