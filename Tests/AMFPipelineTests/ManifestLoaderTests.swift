import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// A small strict schema standing in for a real one: `{name, budget: {demos, batch}, tags}`.
private struct Sample: Decodable, Equatable {
  struct Budget: Decodable, Equatable {
    var demos: Int
    var batch: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case demos, batch }
    init(demos: Int, batch: Int) {
      self.demos = demos
      self.batch = batch
    }
    init(from decoder: any Decoder) throws {
      try decoder.rejectUnknownKeys(CodingKeys.self)
      let c = try decoder.container(keyedBy: CodingKeys.self)
      demos = try c.decodeIfPresent(Int.self, forKey: .demos) ?? 20
      batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? 2
      try decoder.validating {
        guard demos % batch == 0 else { throw InvalidParameter("demos", reason: "not divisible") }
      }
    }
  }
  var name: String
  var budget: Budget
  var tags: [String]
  enum CodingKeys: String, CodingKey, CaseIterable { case name, budget, tags }
  init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    budget = try c.decodeIfPresent(Budget.self, forKey: .budget) ?? Budget(demos: 20, batch: 2)
    tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
  }
}

@Suite struct ManifestLoaderTests {
  private func withFiles(_ files: [String: String], _ body: (TemporaryDirectory, ManifestLoader) throws -> Void)
    throws
  {
    let folder = try TemporaryDirectory("manifest")
    defer { folder.remove() }
    for (path, text) in files {
      let url = folder.file(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let loader = ManifestLoader(
      workingDirectory: folder.file("work"), pipelinesDirectory: folder.file("Pipelines"))
    try body(folder, loader)
  }

  private func path(_ folder: TemporaryDirectory, _ name: String) -> String {
    folder.file(name).standardizedFileURL.path
  }

  @Test func deepMergeChildWinsAndListsAreReplaced() throws {
    let files = [
      "Pipelines/base.yaml": "name: base\nbudget: {demos: 20, batch: 2}\ntags: [a, b, c]\n",
      "Pipelines/child.yaml": "extends: base.yaml\nname: child\nbudget: {batch: 4}\ntags: [z]\n",
    ]
    try withFiles(files) { _, loader in
      let sample = try loader.load("child.yaml").decode(Sample.self)
      #expect(sample == (try LoadedManifest.decode(Sample.self, from: try #require(
        try ManifestNode.parse(yaml: "name: child\nbudget: {demos: 20, batch: 4}\ntags: [z]", file: "x")))))
      #expect(sample.budget.demos == 20 && sample.budget.batch == 4 && sample.tags == ["z"])
    }
  }

  @Test func extendsChainIsFollowedAndExtendsKeyRemoved() throws {
    let files = [
      "Pipelines/a/grand.yaml": "name: grand\nbudget: {demos: 12}\ntags: [g]\n",
      "Pipelines/b/parent.yaml": "extends: ../a/grand.yaml\nbudget: {batch: 3}\n",
      "Pipelines/c/child.yaml": "extends: ../b/parent.yaml\nname: child\n",
    ]
    try withFiles(files) { folder, loader in
      let loaded = try loader.load("c/child.yaml")
      let expected = ["c/child", "b/parent", "a/grand"].map { path(folder, "Pipelines/\($0).yaml") }
      #expect(loaded.chain.map(\.path) == expected)
      #expect(loaded.root["extends"] == nil)
      let sample = try loaded.decode(Sample.self)
      #expect(sample.name == "child" && sample.budget == Sample.Budget(demos: 12, batch: 3) && sample.tags == ["g"])
    }
  }

  @Test func extendsCycleIsAnError() throws {
    let files = ["work/a.yaml": "name: a\nextends: b.yaml\n", "work/b.yaml": "extends: a.yaml\n"]
    try withFiles(files) { folder, loader in
      let a = path(folder, "work/a.yaml")
      let b = path(folder, "work/b.yaml")
      #expect(throws: ManifestError.extendsCycle(
        SourceLocation(file: b, line: 1, column: 10), chain: [a, b, a])) { try loader.load("a.yaml") }
    }
  }

  @Test func unknownKeyHasExactLocationAndSuggestion() throws {
    try withFiles(["work/m.yaml": "name: m\nbudget:\n  demos: 4\n  bach: 2\n"]) { folder, loader in
      let error = ManifestError.unknownKey(
        SourceLocation(file: path(folder, "work/m.yaml"), line: 4, column: 3), path: "budget.bach",
        allowed: ["batch", "demos"], suggestion: "batch")
      #expect(throws: error) { try loader.load("m.yaml").decode(Sample.self) }
      #expect(error.description.hasSuffix(
        "m.yaml:4:3: unknown key 'budget.bach'; did you mean 'batch'? allowed keys here: batch, demos"))
    }
  }

  @Test func unknownKeyInAnExtendedFilePointsIntoThatFile() throws {
    let files = [
      "Pipelines/base.yaml": "name: b\nbugdet: {demos: 4}\n", "work/m.yaml": "extends: ../Pipelines/base.yaml\n",
    ]
    try withFiles(files) { folder, loader in
      #expect(throws: ManifestError.unknownKey(
        SourceLocation(file: path(folder, "Pipelines/base.yaml"), line: 2, column: 1), path: "bugdet",
        allowed: ["budget", "name", "tags"], suggestion: "budget")) { try loader.load("m.yaml").decode(Sample.self) }
    }
  }

  @Test func wrongTypeNamesFieldAndLocation() throws {
    try withFiles(["work/m.yaml": "name: m\nbudget: {demos: many}\n"]) { folder, loader in
      #expect(throws: ManifestError.typeMismatch(
        SourceLocation(file: path(folder, "work/m.yaml"), line: 2, column: 17), path: "budget.demos",
        expected: "an integer", found: "'many'")) { try loader.load("m.yaml").decode(Sample.self) }
    }
  }

  @Test func quotedNumberIsNotAnInteger() throws {
    try withFiles(["work/m.yaml": "name: m\nbudget: {demos: \"4\"}\n"]) { _, loader in
      #expect(throws: ManifestError.self) { try loader.load("m.yaml").decode(Sample.self) }
    }
  }

  @Test func missingRequiredKey() throws {
    try withFiles(["work/m.yaml": "budget: {demos: 4}\n"]) { folder, loader in
      #expect(throws: ManifestError.missingKey(
        SourceLocation(file: path(folder, "work/m.yaml"), line: 1, column: 1), path: "", key: "name")) {
        try loader.load("m.yaml").decode(Sample.self)
      }
    }
  }

  @Test func invalidValueFromValidateNamesTheField() throws {
    try withFiles(["work/m.yaml": "name: m\nbudget: {demos: 5, batch: 2}\n"]) { folder, loader in
      #expect(throws: ManifestError.invalidValue(
        SourceLocation(file: path(folder, "work/m.yaml"), line: 2, column: 17), path: "budget.demos",
        reason: "not divisible")) { try loader.load("m.yaml").decode(Sample.self) }
    }
  }

  @Test func missingFileNamesBothPlacesLooked() throws {
    try withFiles([:]) { folder, loader in
      let error = ManifestError.fileNotFound(
        path: "ablations/x.yaml",
        lookedIn: [path(folder, "work/ablations/x.yaml"), path(folder, "Pipelines/ablations/x.yaml")],
        referencedFrom: nil)
      #expect(throws: error) { try loader.load("ablations/x.yaml") }
      #expect(error.description.contains("work/ablations/x.yaml and "))
    }
  }

  @Test func missingExtendedFilePointsAtTheExtendsLine() throws {
    try withFiles(["work/m.yaml": "name: m\nextends: nope.yaml\n"]) { folder, loader in
      #expect(throws: ManifestError.fileNotFound(
        path: "nope.yaml", lookedIn: [path(folder, "work/nope.yaml"), path(folder, "Pipelines/nope.yaml")],
        referencedFrom: SourceLocation(file: path(folder, "work/m.yaml"), line: 2, column: 10))) {
        try loader.load("m.yaml")
      }
    }
  }

  @Test func pathResolvesAgainstWorkingDirectoryFirstThenPipelines() throws {
    let files = ["work/both.yaml": "name: cwd\n", "Pipelines/both.yaml": "name: pipelines\n",
                 "Pipelines/only.yaml": "name: only\n"]
    try withFiles(files) { folder, loader in
      let names = try ["both.yaml", "only.yaml", path(folder, "Pipelines/both.yaml")].map {
        try loader.load($0).decode(Sample.self).name
      }
      #expect(names == ["cwd", "only", "pipelines"])
    }
  }

  @Test func syntaxAndDuplicateKeyErrorsAreLocated() throws {
    try withFiles(["work/dup.yaml": "name: a\nname: b\n", "work/bad.yaml": "name: [a\n"]) { folder, loader in
      let bad = #expect(throws: ManifestError.self) { try loader.load("bad.yaml") }
      guard case .syntax(let location, _) = bad else { Issue.record("expected a syntax error"); return }
      #expect(location.file == path(folder, "work/bad.yaml"))
      // A duplicate key is reported at the repeat, in one line (issue #17).
      let dup = #expect(throws: ManifestError.self) { try loader.load("dup.yaml") }
      let second = SourceLocation(file: path(folder, "work/dup.yaml"), line: 2, column: 1)
      #expect(dup == .duplicateKey(second, key: "name", firstLine: 1))
    }
  }

  @Test func editDistanceAndSuggestion() {
    #expect(editDistance("kitten", "sitting") == 3)
    #expect(editDistance("", "abc") == 3)
    #expect(closestMatch(to: "stratgy", in: ["strategy", "importance_weights"]) == "strategy")
    #expect(closestMatch(to: "zzz", in: ["strategy"]) == nil)
  }
}
