import AMFArtifacts
import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

/// The promise of independent executables (issue #22): `examples/shell/run-arm.sh`, a hand-written loop over
/// seeds and rounds calling the six stages with one params file, writes exactly the artifacts the
/// orchestrator writes for the same arm — every content hash equal to the committed lock's and to a fresh
/// `amf-pipeline run`'s.
@Suite(.serialized) struct ShellExampleTests {
  static let root = Executables.repositoryRoot

  /// The file the script writes for `output` of lock entry `name` (its naming: by seed and round).
  static func scriptFile(run name: String, role: String) -> String? {
    let parts = name.split(separator: "/").map(String.init)
    switch (parts.first, role) {
    case ("pretrain", "demonstrations"): return "\(parts[1])-pretrain-demonstrations.h5"
    case ("pretrain", "policy"): return "\(parts[1])-round-0-policy.h5"
    case ("report", _): return "report.h5"
    case (let kind?, _) where parts.count == 3:
      let suffix = kind == "embed" ? "embeddings" : kind == "select" ? "selection" : role
      return "\(parts[1])-\(parts[2])-\(suffix).h5"
    default: return nil
    }
  }

  /// Runs `examples/shell/<script>` with `arguments` and the executables under test; its exit status.
  static func runScript(_ script: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [root.appendingPathComponent("examples/shell/\(script)").path] + arguments
      + [Executables.productsFolder.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// A copy of the manifest `examples/shell/<manifest>` and what it extends under `folder/repo`, run by the
  /// orchestrator with a store in `folder`; its lock.
  static func orchestrate(_ manifest: String, in folder: TemporaryDirectory, extra: [String] = [],
                          besideManifest: [URL] = []) throws -> LockFile {
    let copy = folder.file("repo")
    for path in ["Pipelines/base", "Pipelines/smoke/base", "examples/shell/amf-reacher.yaml"] + extra {
      let target = copy.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: Self.root.appendingPathComponent(path), to: target)
    }
    let url = copy.appendingPathComponent("examples/shell/\(manifest)")
    for file in besideManifest {
      try FileManager.default.copyItem(
        at: file, to: url.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent))
    }
    let run = try Executables.run("amf-pipeline", ["run", url.path, "--store", folder.file("store").path, "--jobs", "2"])
    #expect(run.status == 0, "\(run.standardError)")
    return try LockFile.read(LockFile.url(forManifest: url), manifest: "amf")
  }

  /// Compares every output of `lock` with the script's file of the same run and role in `folder`; the count.
  static func compareOutputs(of lock: LockFile, withScriptFilesIn folder: URL) throws -> Int {
    var compared = 0
    for (name, entry) in lock.stages.sorted(by: { $0.key < $1.key }) {
      for (role, hash) in entry.outputs.sorted(by: { $0.key < $1.key }) {
        let file = try #require(Self.scriptFile(run: name, role: role), "\(name) \(role)")
        let found = try ArtifactFile.contentHash(of: folder.appendingPathComponent(file))
        #expect(found == hash, "\(name).\(role) (\(file))")
        compared += 1
      }
    }
    return compared
  }

  @Test func theHandWrittenLoopEqualsTheOrchestratorByteForByte() throws {
    let folder = try TemporaryDirectory("amf-shell-example")
    defer { folder.remove() }
    // The script, with the executables under test.
    #expect(try Self.runScript("run-arm.sh", [folder.file("by-hand").path]) == 0)

    // The orchestrator on a copy of the manifest and what it extends (its lock goes beside the copy).
    let fresh = try Self.orchestrate("amf-reacher.yaml", in: folder)
    let manifest = folder.file("repo/examples/shell/amf-reacher.yaml")

    // The script's params file is what `amf-pipeline params` prints for the manifest, for every seed.
    let committedParams = try String(
      contentsOf: Self.root.appendingPathComponent("examples/shell/amf-reacher.params.json"), encoding: .utf8)
    for seed in ["0", "1"] {
      let printed = try Executables.run("amf-pipeline", ["params", manifest.path, "--seed", seed])
      #expect(printed.status == 0 && printed.standardOutput == committedParams, "seed \(seed): \(printed.standardError)")
    }

    let committed = try LockFile.read(Self.root.appendingPathComponent("examples/shell/amf-reacher.lock.json"), manifest: "amf")
    #expect(fresh.stages.count == 29)  // 2 seeds × (pretrain, evaluate round 0, 3 × 4 stages) + the report
    #expect(fresh == committed)
    // 2 outputs of each pretrain and finetune run, 1 of each other run
    #expect(try Self.compareOutputs(of: fresh, withScriptFilesIn: folder.file("by-hand")) == 37)
  }

  /// The same loop with recorded demonstrations as the expert: round 1's embeddings and selection are the
  /// orchestrator's (nothing recorded is read before the first query), its demonstrations are the recorded
  /// ones (so their hash differs from the simulated expert's), and the finetune run names the file. The
  /// orchestrator, given the recording by the manifest key `expert.demonstrations`
  /// (`examples/shell/amf-reacher-recorded.yaml`), writes the same 37 artifacts and the committed lock.
  @Test func theLoopReplaysRecordedDemonstrations() throws {
    let folder = try TemporaryDirectory("amf-shell-recorded")
    defer { folder.remove() }
    #expect(try Self.runScript("run-arm-recorded.sh", [folder.file("by-hand").path]) == 0)
    let committed = try LockFile.read(Self.root.appendingPathComponent("examples/shell/amf-reacher.lock.json"), manifest: "amf")
    let byHand = folder.file("by-hand")
    func hash(_ file: String) throws -> String { try ArtifactFile.contentHash(of: byHand.appendingPathComponent(file)) }
    #expect(try hash("seed-0-round-1-selection.h5") == committed.stages["select/seed-0/round-1"]?.outputs["selection"])
    let simulated = try #require(committed.stages["finetune/seed-0/round-1"]?.outputs["demonstrations"])
    #expect(try hash("seed-0-round-1-demonstrations.h5") != simulated)
    let artifact = try ArtifactFile.read(byHand.appendingPathComponent("seed-0-round-1-demonstrations.h5"))
    #expect(artifact.provenance.inputs["demonstrations_from"] == (try hash("recorded-demonstrations.h5")))

    let fresh = try Self.orchestrate(
      "amf-reacher-recorded.yaml", in: folder, extra: ["examples/shell/amf-reacher-recorded.yaml"],
      besideManifest: [byHand.appendingPathComponent("recorded-demonstrations.h5")])
    let recordedLock = try LockFile.read(
      Self.root.appendingPathComponent("examples/shell/amf-reacher-recorded.lock.json"), manifest: "amf")
    #expect(fresh == recordedLock)
    #expect(fresh.stages["finetune/seed-1/round-3"]?.files == ["demonstrations_from": "recorded-demonstrations.h5"])
    #expect(try Self.compareOutputs(of: fresh, withScriptFilesIn: byHand) == 37)
  }
}
