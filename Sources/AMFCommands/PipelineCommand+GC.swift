import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline gc`: remove the store entries that no lock references.
public struct GCCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "gc", abstract: "Remove store entries (outputs, run record, log, key lock) that no lock references.",
    discussion: """
      The locks considered are those of the MANIFESTs given; without any, every *.lock.json under Pipelines/ \
      (recursively) and in the working directory. They are listed first. Keys that a running `amf-pipeline` \
      holds (per-key lock) or computes (live .running marker) are never removed, and while any `run` holds \
      the store gc removes nothing and exits 75. With no lock at all, gc refuses: it would empty the store. \
      Files `run` moved aside into the store's quarantine/ are listed, never deleted.
      """)

  @Argument(help: "Manifests whose locks keep their keys (default: every lock under Pipelines/ and in .).")
  var manifests: [String] = []
  @Option(help: "The content-addressed store.") var store = "Artifacts/store"
  @Flag(help: "List what would be removed; delete nothing.") var dryRun = false

  public init() {}

  public func run() throws {
    let report: GarbageCollector.Report
    do {
      let locks = try manifests.isEmpty
        ? GarbageCollector.discoverLocks(
          pipelinesFolder: URL(fileURLWithPath: "Pipelines"),
          workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        : manifests.map { try PipelineSession.lockURL(forManifest: $0) }
      guard !locks.isEmpty else {
        throw PipelineError.missingLock(
          path: "Pipelines/", reason: "no *.lock.json found; pass the manifests whose artifacts to keep")
      }
      report = try GarbageCollector(store: Store(root: URL(fileURLWithPath: store)), locks: locks)
        .collect(dryRun: dryRun)
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline gc")
    }
    print(GCReport.render(report))
  }
}

/// Text of a gc report.
enum GCReport {
  static func render(_ report: GarbageCollector.Report) -> String {
    var lines = report.locks.map { "lock: \($0.path)" }
    let verb = report.dryRun ? "would remove" : "removed"
    lines += report.removed.map { "\(verb) \($0.key) (\($0.bytes) bytes)" }
    lines += report.busy.map { "kept \($0) (in use by a running amf-pipeline)" }
    let freed = String(format: "%.1f MB", Double(report.bytesFreed) / 1_000_000)
    if !report.quarantined.isEmpty {
      let bytes = report.quarantined.reduce(Int64(0)) { $0 + $1.bytes }
      lines.append("note: \(report.quarantined.count) files (\(bytes) bytes) in "
        + "\(report.quarantined[0].files[0].deletingLastPathComponent().path) were moved aside by `run` (their bytes "
        + "were not what their key's run wrote); gc keeps them: inspect them, then delete them by hand")
    }
    lines.append("gc: \(verb) \(report.removed.count) keys, \(report.dryRun ? "would free" : "freed") \(freed) "
      + "(\(report.bytesFreed) bytes); kept \(report.kept) referenced, \(report.busy.count) in use")
    return lines.joined(separator: "\n")
  }
}
