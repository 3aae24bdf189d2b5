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

  @Test func theHandWrittenLoopEqualsTheOrchestratorByteForByte() throws {
    let folder = try TemporaryDirectory("amf-shell-example")
    defer { folder.remove() }
    // The script, with the executables under test.
    #expect(try Self.runScript("run-arm.sh", [folder.file("by-hand").path]) == 0)

    // The orchestrator on a copy of the manifest and what it extends (its lock goes beside the copy).
    let copy = folder.file("repo")
    for path in ["Pipelines/base", "Pipelines/smoke/base", "examples/shell/amf-reacher.yaml"] {
      let target = copy.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: Self.root.appendingPathComponent(path), to: target)
    }
    let manifest = copy.appendingPathComponent("examples/shell/amf-reacher.yaml")
    let run = try Executables.run("amf-pipeline", ["run", manifest.path, "--store", folder.file("store").path, "--jobs", "2"])
    #expect(run.status == 0, "\(run.standardError)")

    // The script's params file is what `amf-pipeline params` prints for the manifest, for every seed.
    let committedParams = try String(
      contentsOf: Self.root.appendingPathComponent("examples/shell/amf-reacher.params.json"), encoding: .utf8)
    for seed in ["0", "1"] {
      let printed = try Executables.run("amf-pipeline", ["params", manifest.path, "--seed", seed])
      #expect(printed.status == 0 && printed.standardOutput == committedParams, "seed \(seed): \(printed.standardError)")
    }

    let fresh = try LockFile.read(copy.appendingPathComponent("examples/shell/amf-reacher.lock.json"), manifest: "amf")
    let committed = try LockFile.read(Self.root.appendingPathComponent("examples/shell/amf-reacher.lock.json"), manifest: "amf")
    #expect(fresh.stages.count == 29)  // 2 seeds × (pretrain, evaluate round 0, 3 × 4 stages) + the report
    #expect(fresh == committed)
    var compared = 0
    for (name, entry) in fresh.stages.sorted(by: { $0.key < $1.key }) {
      for (role, hash) in entry.outputs.sorted(by: { $0.key < $1.key }) {
        let file = try #require(Self.scriptFile(run: name, role: role), "\(name) \(role)")
        let found = try ArtifactFile.contentHash(of: folder.file("by-hand").appendingPathComponent(file))
        #expect(found == hash, "\(name).\(role) (\(file))")
        compared += 1
      }
    }
    #expect(compared == 37)  // 2 outputs of each pretrain and finetune run, 1 of each other run
  }

  /// The same loop with recorded demonstrations as the expert: round 1's embeddings and selection are the
  /// orchestrator's (nothing recorded is read before the first query), its demonstrations are the recorded
  /// ones (so their hash differs from the simulated expert's), and the finetune run names the file.
  @Test func theLoopReplaysRecordedDemonstrations() throws {
    let folder = try TemporaryDirectory("amf-shell-recorded")
    defer { folder.remove() }
    #expect(try Self.runScript("run-arm-recorded.sh", [folder.url.path]) == 0)
    let committed = try LockFile.read(Self.root.appendingPathComponent("examples/shell/amf-reacher.lock.json"), manifest: "amf")
    func hash(_ file: String) throws -> String { try ArtifactFile.contentHash(of: folder.file(file)) }
    #expect(try hash("seed-0-round-1-selection.h5") == committed.stages["select/seed-0/round-1"]?.outputs["selection"])
    let simulated = try #require(committed.stages["finetune/seed-0/round-1"]?.outputs["demonstrations"])
    #expect(try hash("seed-0-round-1-demonstrations.h5") != simulated)
    let artifact = try ArtifactFile.read(folder.file("seed-0-round-1-demonstrations.h5"))
    #expect(artifact.provenance.inputs["demonstrations_from"] == (try hash("recorded-demonstrations.h5")))
  }
}
