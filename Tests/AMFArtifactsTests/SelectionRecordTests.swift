import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The `selection` schema: layout, file round trip, and errors naming the object.
@Suite struct SelectionRecordTests {
  static let provenance = Provenance(stage: "select", stageVersion: 2, seed: 4, projectVersion: "fixture")

  /// Three tasks, candidates {0, 2}, picks 2 then 0; task 1 is not a candidate, so its scores are NaN.
  static func record() throws -> SelectionRecord {
    try SelectionRecord(
      strategy: "amf", importanceWeights: true, round: 2, taskCount: 3, candidates: [0, 2], selected: [2, 0],
      scores: [[1.5, .nan, 2.5], [0.5, .nan, -1]])
  }

  @Test func layoutFollowsTheSchema() throws {
    let content = try Self.record().contentGroup()
    #expect(content.datasetPaths == ["/candidates", "/scores", "/selected"])
    #expect(try content.dataset(at: "/selected") == .vector([Int64]([2, 0])))
    #expect(try content.dataset(at: "/candidates") == .vector([Int64]([0, 2])))
    let scores = try content.dataset(at: "/scores")
    #expect(scores.shape == [2, 3] && scores.elementType == .float64)
    #expect(try content.attribute("strategy") == .scalar("amf"))
    #expect(try content.attribute("importance_weights") == .scalar(true))
    #expect(try content.attribute("round") == .scalar(Int64(2)) && content.attributes.count == 4)
  }

  /// Write, read, decode: every field comes back, NaN scores included (bitwise).
  @Test func roundTripsThroughAFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("selection.h5")
    let record = try Self.record()
    try ArtifactFile.write(Artifact(kind: .selection, provenance: Self.provenance, content: try record.contentGroup()), to: url)
    let read = try SelectionRecord(try ArtifactFile.read(url, expecting: .selection))
    #expect(read.strategy == "amf" && read.importanceWeights && read.round == 2 && read.taskCount == 3)
    #expect(read.candidates == [0, 2] && read.selected == [2, 0])
    #expect(read.scores.flatMap { $0 }.map(\.bitPattern) == record.scores.flatMap { $0 }.map(\.bitPattern))
  }

  @Test func buildingChecksTasksAndShapes() {
    #expect(throws: ArtifactError.invalidValue(file: "", object: "@task_count", reason: "0 is not ≥ 1")) {
      try SelectionRecord(strategy: "uniform", importanceWeights: false, round: 1, taskCount: 0, candidates: [],
                          selected: [], scores: [])
    }
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/selected", reason: "task 3 is outside 0..<3")) {
      try SelectionRecord(strategy: "uniform", importanceWeights: false, round: 1, taskCount: 3, candidates: [0],
                          selected: [3], scores: [[0, 0, 0]])
    }
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/scores", expected: "2×3", found: "1×3")) {
      try SelectionRecord(strategy: "uniform", importanceWeights: false, round: 1, taskCount: 3, candidates: [0, 1],
                          selected: [0, 1], scores: [[0, 0, 0]])
    }
  }

  /// Reading names the object whose kind, shape, type or presence is wrong.
  @Test func readingNamesTheBadObject() throws {
    let good = try Self.record().contentGroup()
    #expect(throws: ArtifactError.wrongKind(file: "", expected: "selection", found: "evaluation")) {
      try SelectionRecord(Artifact(kind: .evaluation, provenance: Self.provenance, content: good))
    }
    func reading(_ edit: (inout ArtifactGroup) throws -> Void) throws -> Artifact {
      var content = good
      try edit(&content)
      return Artifact(kind: .selection, provenance: Self.provenance, content: content)
    }
    let wideScores = try reading { try $0.setDataset(try .matrix([Double](repeating: 0, count: 8), rows: 2, columns: 4), at: "/scores") }
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/scores", expected: "2×3", found: "2×4")) {
      try SelectionRecord(wideScores)
    }
    let noRound = try reading { $0.attributes["round"] = nil }
    #expect(throws: ArtifactError.missingObject(file: "", object: "attribute round of /")) { try SelectionRecord(noRound) }
    let intFlag = try reading { try $0.setAttribute("importance_weights", .scalar(Int64(1))) }
    #expect(throws: ArtifactError.typeMismatch(
      file: "", object: "@importance_weights", expected: "uint8", found: "int64")) { try SelectionRecord(intFlag) }
    let floatPicks = try reading { try $0.setDataset(.vector([Double]([2, 0])), at: "/selected") }
    #expect(throws: ArtifactError.typeMismatch(file: "", object: "/selected", expected: "int64", found: "float64")) {
      try SelectionRecord(floatPicks)
    }
    let matrixCandidates = try reading {
      try $0.setDataset(try ArtifactArray(shape: [1, 2], elements: .int64([0, 2])), at: "/candidates")
    }
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/candidates", expected: "N", found: "1×2")) {
      try SelectionRecord(matrixCandidates)
    }
  }
}
