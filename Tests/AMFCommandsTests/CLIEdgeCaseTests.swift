import AMFStages
import AMFTestSupport
import Foundation
import Testing

@testable import AMFCommands
@testable import AMFPipeline

/// The command-line edge cases of issue #17, as a user meets them: each ends in one message with a
/// documented exit code, and nothing is written.
@Suite(.serialized) struct CLIEdgeCaseTests {
  typealias Workspace = PipelineProcessTests.Workspace

  static func pipeline(_ arguments: [String], in folder: URL? = nil) throws -> Executables.Result {
    try Executables.run("amf-pipeline", arguments, workingDirectory: folder)
  }

  /// A pid that no process has: a child that has exited and been reaped.
  static func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  @Test func aNegativeSeedIsRefusedAsOutOfRange() throws {
    let folder = try TemporaryDirectory("cli-seed")
    defer { folder.remove() }
    let output = folder.file("out.h5")
    for arguments in [["--seed", "-1"], ["--seed=-1"], ["--seed", "x"]] {
      let result = try Self.pipeline(["stage", "select"] + arguments + ["--output", output.path])
      #expect(result.status == 64, "\(result.standardError)")
      #expect(result.standardError.contains("--seed must be an integer in 0 … 18446744073709551615, found "))
      #expect(!result.standardError.contains("Missing value"))
    }
    #expect(!FileManager.default.fileExists(atPath: output.path))
    #expect(try SelectCommand.parse(["--seed", "18446744073709551615"]).options.seed == UInt64.max)
  }

  @Test func jobsOutOfRangeIsRefusedWithItsValue() throws {
    for (value, shown) in [("-1", "-1"), ("0", "0"), ("5000", "5000")] {
      let result = try Self.pipeline(["run", "/nonexistent.yaml", "--jobs", value])
      #expect(result.status == 64, "\(result.standardError)")
      #expect(result.standardError.contains("--jobs must be in 1…1024, found \(shown)"), "\(result.standardError)")
      #expect(!result.standardError.contains("Missing value"))
    }
  }

  @Test func aOneCharacterKeyPrefixIsTooShort() throws {
    let result = try Self.pipeline(["show", "3", "--store", "/nonexistent-store"])
    #expect(result.status == 64)
    #expect(result.standardError.contains(
      "key prefix '3' is too short: give at least 2 hex digits of a store key, or a file path"))
  }

  @Test func fifosAndDevicesAreNotManifests() throws {
    let folder = try TemporaryDirectory("cli-fifo")
    defer { folder.remove() }
    let fifo = folder.file("fifo.yaml")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let fromFIFO = try Self.pipeline(["status", fifo.path])
    #expect(fromFIFO.status == 65)
    #expect(fromFIFO.standardError.contains("fifo.yaml: not a regular file (a FIFO)"), "\(fromFIFO.standardError)")
    let fromDevice = try Self.pipeline(["status", "/dev/zero"])
    #expect(fromDevice.status == 65)
    #expect(fromDevice.standardError.contains("/dev/zero: not a regular file (a character device)"))
  }

  /// `status` refuses a lock that `run` and `verify` refuse, instead of saying "up to date"; nothing
  /// rewrites it.
  @Test func statusRefusesEmptyTruncatedAndOutOfRangeLocks() throws {
    let (workspace, path) = try PipelineToolsTests.ranWorkspace("badlock")
    defer { workspace.folder.remove() }
    let lockURL = LockFile.url(forManifest: URL(fileURLWithPath: path))
    let good = try String(contentsOf: lockURL, encoding: .utf8)
    let cases: [(String, String)] = [
      ("", "not a lock file"),
      (String(good.prefix(good.count / 2)), "not a lock file"),
      (good.replacingOccurrences(of: "\"seed\" : 1", with: "\"seed\" : -1"), ".seed is -1, outside 0…2^53"),
      (good.replacingOccurrences(of: "\"schema\" : 1", with: "\"schema\" : 99"),
       "lock schema 99 is newer than this build reads (1)"),
    ]
    for (text, expected) in cases {
      try Data(text.utf8).write(to: lockURL)
      for command in ["status", "verify", "run"] {
        let result = try Executables.run(
          "amf-pipeline", workspace.arguments(command, path), environment: workspace.environment)
        #expect(result.status == 65, "\(command): \(result.standardOutput) \(result.standardError)")
        #expect(result.standardError.contains("\(lockURL.path): cannot read ("), "\(command): \(result.standardError)")
        #expect(result.standardError.contains(expected), "\(command): \(result.standardError)")
        #expect(try String(contentsOf: lockURL, encoding: .utf8) == text, "\(command) rewrote the lock")
      }
    }
  }

  /// An `--output` that is an `--input` (same path, through a symlink or a hard link) is refused before
  /// anything is read or written.
  @Test func anOutputOverAnInputIsRefused() throws {
    let folder = try TemporaryDirectory("cli-output-input")
    defer { folder.remove() }
    let input = folder.file("policy.h5")
    let bytes = Data("not even an artifact: the check comes first\n".utf8)
    try bytes.write(to: input)
    let symlink = folder.file("link.h5")
    try FileManager.default.createSymbolicLink(at: symlink, withDestinationURL: input)
    let hardLink = folder.file("hard.h5")
    try FileManager.default.linkItem(at: input, to: hardLink)
    try FileManager.default.createDirectory(at: folder.file("sub"), withIntermediateDirectories: true)
    for output in [input.path, symlink.path, hardLink.path, folder.file("sub/../policy.h5").path] {
      let result = try Self.pipeline(
        ["stage", "evaluate", "--input", "policy=\(input.path)", "--output", output])
      #expect(result.status == 64, "\(output): \(result.standardError)")
      #expect(result.standardError.contains("is also --input policy; writing it would replace that input"),
              "\(result.standardError)")
      #expect(try Data(contentsOf: input) == bytes)
    }
  }

  @Test func archiveFailsWhenTheReportFolderIsMissing() throws {
    let (workspace, path) = try PipelineToolsTests.ranWorkspace("noreport")
    defer { workspace.folder.remove() }
    let report = workspace.folder.file("noreport.report")
    #expect(FileManager.default.fileExists(atPath: report.path))
    try FileManager.default.removeItem(at: report)
    let output = workspace.folder.file("repro.tar.gz")
    let result = try PipelineToolsTests.tools(workspace.arguments("archive", path) + [output.path])
    #expect(result.status == 65)
    #expect(result.standardError.contains("\(report.standardizedFileURL.path): cannot archive (the report folder"),
            "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  /// The archive packs the report's sidecar folder, so `verify` passes inside the extracted archive; a
  /// staging folder left by a killed `archive` is removed by the next one.
  @Test func verifyPassesInsideAnExtractedArchiveAndStaleStagingIsCleaned() throws {
    let (workspace, path) = try PipelineToolsTests.ranWorkspace("packed")
    defer { workspace.folder.remove() }
    let stale = workspace.folder.file(".repro.tar.gz.staging.\(try Self.deadPID())")
    try FileManager.default.createDirectory(at: stale.appendingPathComponent("store"), withIntermediateDirectories: true)
    let output = workspace.folder.file("repro.tar.gz")
    let archive = try PipelineToolsTests.tools(workspace.arguments("archive", path) + [output.path])
    #expect(archive.status == 0, "\(archive.standardError)")
    #expect(!FileManager.default.fileExists(atPath: stale.path))
    let extracted = workspace.folder.file("extracted")
    try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
    #expect(try PipelineToolsTests.shell(["tar", "xzf", output.path], in: extracted).status == 0)
    let listing = try PipelineToolsTests.shell(["find", "store", "-name", "*.files"], in: extracted)
    #expect(listing.standardOutput.contains(".files"), "\(listing.standardOutput)")
    let verify = try Self.pipeline(["verify", "packed.plan.json", "--store", "store"], in: extracted)
    #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
  }

  /// After SIGINT, stage runs that the orchestrator's SIGTERM stopped are "interrupted", not failed.
  @Test func stagesStoppedByAnInterruptAreReportedAsInterrupted() {
    let outcomes: [(name: String, outcome: RunOutcome)] = [
      ("a", .succeeded(seconds: 1)), ("b", .failed(exitCode: 15, log: "b.log")), ("c", .failed(exitCode: 143, log: "c.log")),
      ("d", .failed(exitCode: 1, log: "d.log")), ("e", .skipped(reason: "interrupted")),
    ]
    let interrupted = RunSummary(outcomes: outcomes, interrupted: true, lock: LockFile(manifest: "m"))
    let counts = RunReport.unfinishedCounts(interrupted)
    #expect(counts.failed == 1 && counts.interrupted == 2)
    #expect(RunReport.unfinishedLine(name: "b", outcome: outcomes[1].outcome, in: interrupted)
      == "interrupted b (stopped by the interrupt; rerun to finish it): log b.log")
    #expect(RunReport.unfinishedLine(name: "d", outcome: outcomes[3].outcome, in: interrupted) == "FAILED d (exit 1): log d.log")
    #expect(RunReport.unfinishedLine(name: "a", outcome: outcomes[0].outcome, in: interrupted) == nil)
    // Without an interrupt, a stage that got SIGTERM from elsewhere failed.
    let plain = RunSummary(outcomes: outcomes, interrupted: false, lock: LockFile(manifest: "m"))
    let plainCounts = RunReport.unfinishedCounts(plain)
    #expect(plainCounts.failed == 3 && plainCounts.interrupted == 0)
    #expect(RunReport.unfinishedLine(name: "b", outcome: outcomes[1].outcome, in: plain) == "FAILED b (exit 15): log b.log")
  }

  /// An error of the orchestrator's own around a stage (here a full disk while writing its marker) has no
  /// stage exit code and no log: the summary says so and gives the error, and counts it as failed.
  @Test func anOrchestratorErrorIsReportedWithItsMessageNotAsAnExitCode() {
    let message = "cannot write /store/ab/.running: No space left on device"
    let outcomes: [(name: String, outcome: RunOutcome)] = [("a", .errored(message: message)), ("b", .skipped(reason: "x"))]
    let summary = RunSummary(outcomes: outcomes, interrupted: false, lock: LockFile(manifest: "m"))
    #expect(RunReport.unfinishedLine(name: "a", outcome: outcomes[0].outcome, in: summary)
      == "FAILED a (in amf-pipeline, not in the stage): \(message)")
    #expect(RunReport.unfinishedCounts(summary).failed == 1 && summary.failures.map(\.name) == ["a"])
    #expect(!RunOutcome.errored(message: message).isSuccess)
    let rendered = RunReport.render(summary, lockURL: URL(fileURLWithPath: "/l.lock.json"))
    #expect(rendered.hasPrefix("ran 0, reused 0, up to date 0, failed 1, skipped 1\n"), "\(rendered)")
  }
}
