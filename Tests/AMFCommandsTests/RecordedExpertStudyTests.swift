import AMFArtifacts
import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

/// A whole study on recorded demonstrations (issue #19), as a user runs it: the committed example
/// `examples/recorded/reacher-mismatch.yaml` (the five smoke reacher × mismatch arms, study-level
/// `expert: {demonstrations: demonstrations.h5}`) on a recording that went through robomimic export and import.
/// A bad file stops `run` before any stage; every arm runs; every demonstration a finetune run collected is
/// the recorded one, bit for bit; the lock records the file; new bytes make exactly the finetune runs and
/// what follows them stale.
@Suite(.serialized) struct RecordedExpertStudyTests {
  static let study = "examples/recorded/reacher-mismatch.yaml"
  static let arms = ["amf", "uniform", "uncertainty", "no-is", "rebalancing"]

  /// The example study and what it lists, copied with the repository's layout.
  struct Copy {
    let folder: TemporaryDirectory
    var manifest: String { folder.file(RecordedExpertStudyTests.study).path }
    var recording: URL { folder.file("examples/recorded/demonstrations.h5") }
    var store: URL { folder.file("store") }

    init() throws {
      folder = try TemporaryDirectory("amf-recorded-study")
      for path in ["Pipelines/base", "Pipelines/smoke", RecordedExpertStudyTests.study] {
        let target = folder.file(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Executables.repositoryRoot.appendingPathComponent(path), to: target)
      }
    }

    func pipeline(_ arguments: [String]) throws -> Executables.Result {
      try Executables.run("amf-pipeline", arguments + [manifest, "--store", store.path])
    }

    /// reacher's expert, 4 demonstrations of each of its 12 tasks (pretrain stage, seed `seed`), at `url`.
    func simulate(seed: Int, to url: URL) throws {
      let made = try Executables.run("amf-pretrain", [
        "--seed", String(seed), "--param", "env.name=reacher", "--param", "scenario=balanced",
        "--param", "pretrain.demos_per_task=4", "--param", "pretrain.steps=1", "--output", "demonstrations=\(url.path)",
        "--output", "policy=\(folder.file("unused-policy.h5").path)",
      ])
      #expect(made.status == 0, "\(made.standardError)")
    }
  }

  @Test func aStudyRunsOnRecordedDemonstrations() throws {
    let copy = try Copy()
    defer { copy.folder.remove() }

    // A policy is no recording: one line naming the manifest and the key, exit 65, nothing ran.
    try copy.simulate(seed: 1000, to: copy.folder.file("simulated.h5"))
    try FileManager.default.copyItem(at: copy.folder.file("unused-policy.h5"), to: copy.recording)
    let refused = try copy.pipeline(["run"])
    #expect(refused.status == 65)
    let lines = try String(contentsOfFile: copy.manifest, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let line = try #require(lines.firstIndex { $0.hasPrefix("expert: {demonstrations: ") }) + 1
    #expect(refused.standardError.contains("reacher-mismatch.yaml:\(line):26: invalid value for 'expert.demonstrations'")
      && refused.standardError.contains("amf.kind is 'policy'"), "\(refused.standardError)")
    #expect(!FileManager.default.fileExists(atPath: copy.store.path))

    // The recording, through robomimic and back, as a lab's own file would come in.
    try FileManager.default.removeItem(at: copy.recording)
    let robomimic = copy.folder.file("recorded.hdf5").path
    let exported = try Executables.run("amf-pipeline", [
      "export", "demonstrations", copy.folder.file("simulated.h5").path, "--format", "robomimic", "--output", robomimic,
    ])
    let imported = try Executables.run("amf-pipeline", [
      "import", "demonstrations", "--format", "robomimic", robomimic, "--env", "reacher", "--output", copy.recording.path,
    ])
    #expect(exported.status == 0 && imported.status == 0, "\(exported.standardError)\(imported.standardError)")

    let run = try copy.pipeline(["run", "--jobs", "2"])
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.contains("failed 0"), "\(run.standardOutput)")
    let lock = try LockFile.read(copy.folder.file("examples/recorded/reacher-mismatch.lock.json"), manifest: "")
    let recordingHash = try ArtifactFile.contentHash(of: copy.recording)
    let recorded = try DemonstrationSet(try ArtifactFile.read(copy.recording))
    let finetune = lock.stages.filter { $0.value.kind == "finetune" }
    #expect(Set(finetune.keys.map { String($0.prefix { $0 != "/" }) }) == Set(Self.arms))
    #expect(finetune.count == 20)  // 5 arms × 2 seeds × 2 rounds
    for (name, entry) in finetune.sorted(by: { $0.key < $1.key }) {
      #expect(entry.files == ["demonstrations_from": "demonstrations.h5"], "\(name)")
      #expect(entry.inputs["demonstrations_from"] == recordingHash, "\(name)")
    }
    for arm in Self.arms {
      for seed in 0...1 {
        let entry = try #require(lock.stages["\(arm)/finetune/seed-\(seed)/round-2"])
        let url = Store(root: copy.store).outputURL(key: entry.key, role: "demonstrations", roles: ["demonstrations", "policy"])
        Self.expectRecorded(try DemonstrationSet(try ArtifactFile.read(url)), from: recorded, run: "\(arm) seed \(seed)")
      }
    }

    // A reproduction package holds the recording where the manifest finds it.
    let archive = copy.folder.file("repro.tar.gz")
    let packed = try Executables.run("amf-pipeline", ["archive", copy.manifest, "--store", copy.store.path, archive.path])
    #expect(packed.status == 0, "\(packed.standardError)")
    let listing = Process()
    listing.executableURL = URL(fileURLWithPath: "/bin/tar")
    listing.arguments = ["tzf", archive.path]
    let names = Pipe()
    listing.standardOutput = names
    try listing.run()
    let members = String(decoding: names.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    listing.waitUntilExit()
    #expect(members.contains("examples/recorded/demonstrations.h5\n")
      && members.contains("examples/recorded/reacher-mismatch.yaml\n"), "\(members.prefix(2000))")

    // The same study without the key prints the same params; the file is named on stderr.
    let params = try Executables.run("amf-pipeline", ["params", copy.manifest, "--arm", "amf"])
    let plain = try Executables.run(
      "amf-pipeline", ["params", copy.folder.file("Pipelines/smoke/studies/reacher-mismatch.yaml").path, "--arm", "amf"])
    #expect(params.status == 0 && params.standardOutput == plain.standardOutput)
    #expect(params.standardError.contains("pass --demonstrations-from \(copy.recording.path) to amf-finetune"),
            "\(params.standardError)")

    // New bytes: exactly the finetune runs and what follows them are stale, the first for the file.
    try copy.simulate(seed: 1001, to: copy.recording)
    let status = try copy.pipeline(["status", "--exit-code"])
    #expect(status.status == 2)
    let stale = status.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  stale") }
    #expect(stale.count == 60, "\(status.standardOutput)")
    #expect(stale.contains { $0.contains("amf/finetune/seed-0/round-1") && $0.hasSuffix("input changed (demonstrations_from)") })
    #expect(stale.contains { $0.contains("uniform/finetune/seed-1/round-2")
      && $0.hasSuffix("input changed (demonstrations, demonstrations_from)") }, "\(stale)")
    #expect(!stale.contains { $0.contains("/pretrain/") || $0.contains("/round-0") || $0.contains("select/seed-0/round-1") })
  }

  /// The same study on a Minari dataset written by Minari's own `DataCollector` (a gymnasium environment that
  /// replays reacher's simulated expert), imported with `--format minari`: the import gives the recording's
  /// demonstrations bit for bit, all five arms run on it, and every collected demonstration is the imported
  /// file's. Skipped, with the command, where the interop Python is absent.
  @Test(.enabled(if: InteropPython.path != nil, "the interop Python is not installed: run `bash Scripts/setup.sh --interop`"))
  func aStudyRunsOnAMinariDataset() throws {
    let copy = try Copy()
    defer { copy.folder.remove() }
    let simulated = copy.folder.file("simulated.h5")
    try copy.simulate(seed: 1002, to: simulated)
    let root = copy.folder.file("minari")
    let script = Executables.repositoryRoot.appendingPathComponent("Tests/AMFCommandsTests/Python/minari_replay.py")
    let python = Process()
    python.executableURL = URL(fileURLWithPath: try #require(InteropPython.path))
    python.arguments = [script.path, simulated.path, root.path]
    let output = Pipe()
    python.standardOutput = output
    try python.run()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    try #require(python.terminationStatus == 0, "minari_replay.py exited \(python.terminationStatus)")
    #expect(printed.contains("\"minari\": \"0.5.4\"") && printed.contains("\"episodes\": 48"), "\(printed)")

    let imported = try Executables.run("amf-pipeline", [
      "import", "demonstrations", "--format", "minari", root.appendingPathComponent("amf/recorded/replay-v0").path,
      "--env", "reacher", "--task-key", "task", "--output", copy.recording.path,
    ])
    try #require(imported.status == 0, "\(imported.standardError)")
    let original = try DemonstrationSet(try ArtifactFile.read(simulated))
    let recorded = try DemonstrationSet(try ArtifactFile.read(copy.recording))
    #expect(recorded.demonstrations.count == 48)  // 4 of each of reacher's 12 tasks
    for (demo, source) in zip(recorded.demonstrations, original.demonstrations) {
      #expect(demo.task == source.task && demo.isSuccess == source.isSuccess)
      #expect(demo.observations == source.observations && demo.actions == source.actions
        && demo.rewards == source.rewards && demo.dones == source.dones, "task \(demo.task)")
    }

    let run = try copy.pipeline(["run", "--jobs", "2"])
    #expect(run.status == 0 && run.standardOutput.contains("failed 0"), "\(run.standardError)")
    let lock = try LockFile.read(copy.folder.file("examples/recorded/reacher-mismatch.lock.json"), manifest: "")
    for arm in Self.arms {
      for seed in 0...1 {
        let entry = try #require(lock.stages["\(arm)/finetune/seed-\(seed)/round-2"])
        #expect(entry.inputs["demonstrations_from"] == (try ArtifactFile.contentHash(of: copy.recording)))
        let url = Store(root: copy.store).outputURL(key: entry.key, role: "demonstrations", roles: ["demonstrations", "policy"])
        Self.expectRecorded(try DemonstrationSet(try ArtifactFile.read(url)), from: recorded, run: "\(arm) seed \(seed)")
      }
    }
  }

  /// Every demonstration collected in a round (source `round_r`) is the recorded file's n-th demonstration
  /// of its task, n counting that task's earlier collected demonstrations, bit for bit.
  static func expectRecorded(_ collected: DemonstrationSet, from recorded: DemonstrationSet, run: String) {
    let byTask = Dictionary(grouping: recorded.demonstrations, by: \.task)
    var requests: [Int: Int] = [:]
    let rounds = collected.demonstrations.filter { $0.source.hasPrefix("round_") }
    #expect(rounds.count == 4, "\(run)")  // budget.demos
    for demo in rounds {
      let n = requests[demo.task, default: 0]
      requests[demo.task] = n + 1
      guard let source = byTask[demo.task], n < source.count else {
        Issue.record("\(run): no recorded demonstration #\(n + 1) of task \(demo.task)")
        continue
      }
      #expect(demo.observations == source[n].observations && demo.actions == source[n].actions
        && demo.rewards == source[n].rewards && demo.dones == source[n].dones, "\(run): task \(demo.task) #\(n + 1)")
    }
  }
}
