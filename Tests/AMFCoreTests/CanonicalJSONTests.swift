import AMFTestSupport
import Foundation
import Testing

@testable import AMFCore

@Suite struct CanonicalJSONTests {
  struct Params: Codable {
    var zeta = 1
    var alpha = "a/b"
    var nested = ["y": 2, "x": 1]
  }

  @Test func keysAreSortedAndSlashesKept() throws {
    #expect(try CanonicalJSON.string(Params()) == #"{"alpha":"a/b","nested":{"x":1,"y":2},"zeta":1}"#)
  }

  @Test func roundTrip() throws {
    let text = try CanonicalJSON.string(["b": "2", "a": "1"])
    #expect(text == #"{"a":"1","b":"2"}"#)
    #expect(try CanonicalJSON.decode([String: String].self, from: text) == ["a": "1", "b": "2"])
  }
}

@Suite struct StrictDecodingTests {
  struct Budget: Decodable {
    var demos: Int
    var batch: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case demos, batch }
    init(from decoder: any Decoder) throws {
      try decoder.rejectUnknownKeys(CodingKeys.self)
      let container = try decoder.container(keyedBy: CodingKeys.self)
      demos = try container.decodeIfPresent(Int.self, forKey: .demos) ?? 20
      batch = try container.decodeIfPresent(Int.self, forKey: .batch) ?? 2
    }
  }

  @Test func typoIsRejectedNamingTheKey() {
    #expect {
      _ = try JSONDecoder().decode(Budget.self, from: Data(#"{"demos": 4, "batch_sise": 2}"#.utf8))
    } throws: { error in
      "\(error)".contains("unknown key 'batch_sise'") && "\(error)".contains("[\"batch\", \"demos\"]")
    }
  }

  @Test func defaultsFillMissingKeys() throws {
    let budget = try JSONDecoder().decode(Budget.self, from: Data(#"{"demos": 4}"#.utf8))
    #expect(budget.demos == 4 && budget.batch == 2)
  }
}

@Suite struct ProjectVersionTests {
  private func makeRepository(head: String, refs: [String: String] = [:], packed: String? = nil) throws
    -> TemporaryDirectory
  {
    let folder = try TemporaryDirectory()
    let git = folder.url.appendingPathComponent(".git")
    try FileManager.default.createDirectory(at: git.appendingPathComponent("refs/heads"), withIntermediateDirectories: true)
    try head.write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
    for (ref, id) in refs { try (id + "\n").write(to: git.appendingPathComponent(ref), atomically: true, encoding: .utf8) }
    if let packed { try packed.write(to: git.appendingPathComponent("packed-refs"), atomically: true, encoding: .utf8) }
    try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("Sources/X"), withIntermediateDirectories: true)
    return folder
  }

  private let commit = "0123456789abcdef0123456789abcdef01234567"

  @Test func looseRef() throws {
    let repository = try makeRepository(head: "ref: refs/heads/main\n", refs: ["refs/heads/main": commit])
    defer { repository.remove() }
    #expect(ProjectVersion.gitCommit(sourceFile: repository.url.path + "/Sources/X/File.swift") == commit)
  }

  @Test func packedRef() throws {
    let repository = try makeRepository(
      head: "ref: refs/heads/dev\n", packed: "# pack-refs with: peeled\n\(commit) refs/heads/dev\n")
    defer { repository.remove() }
    #expect(ProjectVersion.gitCommit(sourceFile: repository.url.path + "/Sources/X/File.swift") == commit)
  }

  @Test func detachedHead() throws {
    let repository = try makeRepository(head: commit + "\n")
    defer { repository.remove() }
    #expect(ProjectVersion.gitCommit(sourceFile: repository.url.path + "/Sources/X/File.swift") == commit)
  }

  @Test func noRepository() {
    #expect(ProjectVersion.gitCommit(sourceFile: "/nonexistent/path/File.swift") == nil)
  }
}
