import AMFArtifacts
import AMFCore
import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

import AMFStages
@testable import AMFStudy

/// The manifest key `expert: {demonstrations: PATH}` (issue #19): the recorded file becomes the finetune runs'
/// file input `demonstrations_from`, whose content hash (not path) is in their keys; a manifest without the
/// key expands exactly as before; a wrong file stops loading with one error naming the manifest and the key.
@Suite struct ExpertManifestTests {
  static let reacherArm = "name: x\nenv: {name: reacher}\nscenario: mismatch\nseeds: 3\nbudget: {demos: 4, batch: 2}\n"

  /// Writes a demonstrations artifact of `env` with `perTask` one-step demonstrations of every task, their
  /// observations all `value` (another value, other bytes).
  static func record(_ env: EnvironmentSettings, perTask: Int, value: Float = 0, to url: URL) throws {
    let setup = try PretrainSetup(env: env, scenario: .balanced, demosPerTask: 1)
    let environment = setup.environment
    let demos = (0..<environment.taskCount).flatMap { task in
      (0..<perTask).map { _ in
        DemonstrationSet.Demonstration(
          task: task, taskFeatures: environment.taskFeatures(of: task), source: "pretrain", isSuccess: true,
          expertNoiseStd: 0, observations: [Float](repeating: value, count: environment.observationDimension),
          actions: [Float](repeating: 0, count: environment.actionDimension), rewards: [1], dones: [true])
      }
    }
    let set = try DemonstrationSet(
      environmentName: env.name.rawValue, environmentArgumentsJSON: try setup.environmentArgumentsJSON(),
      observationDimension: environment.observationDimension, actionDimension: environment.actionDimension,
      demonstrations: demos)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try ArtifactFile.write(try set.artifact(provenance: Provenance(stage: "import", stageVersion: 1)), to: url)
  }

  /// Every run's key, with each output's hash standing for the producer's key and role (so a changed key
  /// changes everything downstream, as real outputs would).
  static func keys(_ runs: [StageRunSpec]) throws -> [String: String] {
    var keys: [String: String] = [:]
    for run in try StageGraph(runs).order {
      let resolved = ResolvedRun.resolving(run) { producer in
        keys[producer].map { key in Dictionary(uniqueKeysWithValues: ["demonstrations", "policy", "embeddings",
          "selection", "evaluation"].map { ($0, "\(key).\($0)") }) }
      }
      keys[run.name] = try #require(resolved).key
    }
    return keys
  }

  /// The runs of manifest `manifest` among `files`, written with a reacher recording of `perTask`
  /// demonstrations per task (observations `value`) at `demos.h5`, and the folder they were in.
  static func load(_ files: [String: String], manifest: String = "arm.yaml", value: Float = 0,
                   perTask: Int = 4) throws -> (runs: [StageRunSpec], folder: String) {
    var runs: [StageRunSpec] = []
    var path = ""
    try withManifests(files) { folder, loader in
      path = folder.url.standardizedFileURL.path
      try record(EnvironmentSettings(name: .reacher), perTask: perTask, value: value, to: folder.file("demos.h5"))
      runs = try PipelineManifest.load(manifest, loader: loader).stageRuns()
    }
    return (runs, path)
  }

  @Test func theFileIsAFileInputOfEveryFinetuneRunAndOfNothingElse() throws {
    var path = ""
    var hash = ""
    try withManifests(["arm.yaml": Self.reacherArm + "expert: {demonstrations: demos.h5}\n"]) { folder, loader in
      try Self.record(EnvironmentSettings(name: .reacher), perTask: 4, to: folder.file("demos.h5"))
      path = folder.file("demos.h5").standardizedFileURL.path
      hash = try ArtifactFile.contentHash(of: folder.file("demos.h5"))
      let runs = try PipelineManifest.load("arm.yaml", loader: loader).stageRuns()
      let plain = try arm(Self.reacherArm).stageRuns()
      #expect(runs.map(\.name) == plain.map(\.name))
      for (run, before) in zip(runs, plain) {
        #expect(run.inputs == before.inputs && run.paramsJSON == before.paramsJSON, "\(run.name)")
        let expected = run.kind == "finetune"
          ? [FinetuneStage.recordedRole: FileInput(path: path, contentHash: hash)] : [:]
        #expect(run.files == expected, "\(run.name)")
      }
    }
    #expect(!path.isEmpty && LockFile.isHash(hash))
  }

  /// Same bytes, same keys (wherever the file is); other bytes change the finetune runs' keys and everything
  /// downstream of them, and nothing upstream.
  @Test func keysFollowTheFilesBytesNotItsPath() throws {
    let text = Self.reacherArm + "expert: {demonstrations: demos.h5}\n"
    // Every load writes the same bytes into a fresh folder: the file is elsewhere, the keys are the same.
    let (firstRuns, firstFolder) = try Self.load(["arm.yaml": text])
    let (againRuns, againFolder) = try Self.load(["arm.yaml": text])
    #expect(firstFolder != againFolder)
    let first = try Self.keys(firstRuns)
    #expect(try Self.keys(againRuns) == first)
    let other = try Self.keys(try Self.load(["arm.yaml": text], value: 1).runs)
    let plain = try Self.keys(try arm(Self.reacherArm).stageRuns())
    let upstream = ["pretrain/seed-3", "evaluate/seed-3/round-0", "embed/seed-3/round-1", "select/seed-3/round-1"]
    #expect(Set(first.keys) == Set(plain.keys) && first.count == 11)
    for name in first.keys.sorted() {
      if upstream.contains(name) {
        #expect(other[name] == first[name] && plain[name] == first[name], "\(name)")
      } else {
        #expect(other[name] != first[name] && plain[name] != first[name], "\(name)")
      }
    }
  }

  /// The golden: with a recorded expert, every run of the no-is ablation but the finetune runs has the key of
  /// its committed lock given the lock's inputs, and each finetune run differs by its file input only;
  /// without the key, every committed key stays (`CommittedLockKeyTests`).
  @Test func aRecordedExpertChangesOnlyTheFinetuneKeysOfACommittedLock() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let lock = try LockFile.read(pipelines.appendingPathComponent("ablations/no-is.lock.json"), manifest: "no-is")
    let manifest = "extends: \(pipelines.appendingPathComponent("ablations/no-is.yaml").path)\n"
      + "expert: {demonstrations: demos.h5}\n"
    let runs = try Self.load(["arm.yaml": manifest], perTask: 20).runs
    let mismatches = CommittedLockKeyTests.mismatches(runs: try StageGraph(runs).order, lock: lock)
    let finetune = runs.filter { $0.kind == "finetune" }.map(\.name)
    #expect(finetune.count == 100)
    #expect(mismatches.sorted() == finetune.flatMap { ["\($0): inputs differ", "\($0): key differs"] }.sorted())
    var withoutFiles = runs
    for index in withoutFiles.indices { withoutFiles[index].files = [:] }
    #expect(CommittedLockKeyTests.mismatches(runs: try StageGraph(withoutFiles).order, lock: lock).isEmpty)
  }

  @Test func thePathIsRelativeToTheFileThatWritesIt() throws {
    let files = [
      "base/b.yaml": Self.reacherArm + "expert: {demonstrations: ../demos.h5}\n",
      "arms/a.yaml": "extends: ../base/b.yaml\nname: a\n",
      "study.yaml": "name: s\narms: [arms/a.yaml]\n",
      "shared.yaml": "name: s\narms: [arms/plain.yaml]\nexpert: {demonstrations: demos.h5}\n",
      "arms/plain.yaml": Self.reacherArm.replacingOccurrences(of: "name: x", with: "name: p"),
    ]
    for manifest in ["arms/a.yaml", "study.yaml", "shared.yaml"] {
      let (runs, folder) = try Self.load(files, manifest: manifest)
      let read = runs.compactMap { $0.files[FinetuneStage.recordedRole]?.path }
      #expect(read == [String](repeating: "\(folder)/demos.h5", count: 2), "\(manifest)")
      #expect(runs.filter { $0.kind == "finetune" }.count == 2)
    }
  }

  /// The error `files` (with a reacher recording at `demos.h5`, `perTask` per task) throws on load.
  static func loadError(_ files: [String: String], manifest: String = "arm.yaml", perTask: Int = 4,
                        prepare: (TemporaryDirectory) throws -> Void = { _ in }) throws -> (String, String) {
    var message = ""
    var folderPath = ""
    try withManifests(files) { folder, loader in
      folderPath = folder.url.standardizedFileURL.path
      try record(EnvironmentSettings(name: .reacher), perTask: perTask, to: folder.file("demos.h5"))
      try prepare(folder)
      do {
        _ = try PipelineManifest.load(manifest, loader: loader)
        Issue.record("\(manifest) loaded")
      } catch let error as ManifestError {
        guard case .invalidValue(_, let path, _) = error else {
          Issue.record("\(error)")
          return
        }
        #expect(path == "expert.demonstrations")
        message = error.description
      }
    }
    return (message, folderPath)
  }

  @Test func aWrongFileIsOneErrorNamingTheManifestTheKeyAndTheFix() throws {
    let text = Self.reacherArm + "expert: {demonstrations: demos.h5}\n"
    func expectError(_ prepare: @escaping (TemporaryDirectory) throws -> Void, perTask: Int = 4, _ parts: [String]) throws {
      let (message, folder) = try Self.loadError(["arm.yaml": text], perTask: perTask, prepare: prepare)
      #expect(message.hasPrefix("\(folder)/arm.yaml:6:26: invalid value for 'expert.demonstrations': "), "\(message)")
      for part in parts { #expect(message.contains(part), "\(message)") }
    }
    try expectError({ try FileManager.default.removeItem(at: $0.file("demos.h5")) }, [
      "no such file", "demos.h5 (a relative path is taken from the folder of the manifest that writes it)",
      "amf-pipeline import demonstrations",
    ])
    try expectError({ folder in
      let bytes = try Data(contentsOf: folder.file("demos.h5"))
      try bytes.prefix(bytes.count / 2).write(to: folder.file("demos.h5"))
    }, ["truncated HDF5 file", "sealed demonstrations artifact"])
    try expectError({ folder in
      let selection = try SelectionRecord(
        strategy: "uniform", importanceWeights: false, round: 1, taskCount: 2, candidates: [0, 1], selected: [1],
        scores: [[0, 0]])
      try ArtifactFile.write(
        Artifact(kind: .selection, provenance: Provenance(stage: "select", stageVersion: 1),
                 content: try selection.contentGroup()), to: folder.file("demos.h5"))
    }, ["amf.kind is 'selection' but a 'demonstrations' artifact is needed here"])
    try expectError({ folder in
      try Self.record(EnvironmentSettings(name: .integrator2d), perTask: 4, to: folder.file("demos.h5"))
    }, ["/data@env_name: is 'integrator2d' but this run's env.name is reacher"])
    try expectError({ _ in }, perTask: 3, [
      "task 0 has 3", "a budget of 4 demonstrations may ask for up to 4 of one task", "or lower budget.demos",
    ])
  }

  @Test func aStudyAndItsArmNameOneFileOrTheirDifferenceIsAnError() throws {
    let files = [
      "arms/a.yaml": Self.reacherArm + "expert: {demonstrations: ../other.h5}\n",
      "study.yaml": "name: s\narms: [arms/a.yaml]\nexpert: {demonstrations: demos.h5}\n",
    ]
    let (message, folder) = try Self.loadError(files, manifest: "study.yaml")
    #expect(message == "\(folder)/study.yaml:3:26: invalid value for 'expert.demonstrations': arm 'x' names another "
      + "file (\(folder)/other.h5) than this study (\(folder)/demos.h5); remove one of the two expert sections")
    var same = files
    same["arms/a.yaml"] = Self.reacherArm + "expert: {demonstrations: ../demos.h5}\n"
    #expect(try Self.load(same, manifest: "study.yaml").runs.filter { !$0.files.isEmpty }.count == 2)
  }

  @Test func theSectionIsStrict() {
    guard case .unknownKey(_, let path, _, let suggestion)? = armError(Self.reacherArm + "expert: {demonstration: d.h5}\n")
    else {
      Issue.record("no unknown-key error")
      return
    }
    #expect(path == "expert.demonstration" && suggestion == "demonstrations")
    #expect(armError(Self.reacherArm + "expert: {}\n").map { "\($0)" }?.contains("missing required key 'expert.demonstrations'") == true)
  }

  /// An arm decoded on its own has not read its file: expanding it refuses rather than asking the simulated
  /// expert behind the manifest's back.
  @Test func anArmWhoseFileWasNotReadDoesNotExpand() throws {
    var decoded = try arm(Self.reacherArm)
    decoded.expert = ExpertSettings(demonstrations: "demos.h5")
    #expect(throws: InvalidParameter.self) { try decoded.stageRuns() }
  }
}
