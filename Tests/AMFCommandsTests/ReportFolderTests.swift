import AMFCore
import AMFPipeline
import AMFStages
import AMFTestSupport
import Foundation
import Testing

/// The report folder next to the lock: `run` publishes the report run's sidecar folder, `verify` checks
/// it, `gc` removes sidecar folders with their keys, `archive` packs it (fake stage).
@Suite(.serialized) struct ReportFolderTests {
  typealias Workspace = PipelineProcessTests.Workspace

  static func storeSidecar(_ workspace: Workspace, _ path: String) throws -> URL {
    SidecarFolder.url(for: try PipelineToolsTests.artifact(workspace, path, run: "report"))
  }

  @Test func runPublishesTheReportFolderAndRecordsItInTheLock() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(PipelineProcessTests.plan(name: "tiny", seeds: [0, 1], rounds: 1))
    let first = try workspace.run(path)
    #expect(first.status == 0, "\(first.standardError)")
    let published = workspace.folder.file("tiny.report")
    #expect(first.standardOutput.contains("report: \(published.path)/report.md"), "\(first.standardOutput)")
    #expect(try PipelineToolsTests.lock(path).reportFolder == "tiny.report")
    let stored = try Self.storeSidecar(workspace, path)
    #expect(try Data(contentsOf: published.appendingPathComponent("report.md"))
      == Data(contentsOf: stored.appendingPathComponent("report.md")))
    #expect(try Executables.run("amf-pipeline", workspace.arguments("verify", path)).status == 0)
    // A deleted folder fails verify and comes back with the next (otherwise no-op) run.
    try FileManager.default.removeItem(at: published)
    let verify = try Executables.run("amf-pipeline", workspace.arguments("verify", path))
    #expect(verify.status == 1 && verify.standardOutput.contains("report report folder: missing"))
    let second = try workspace.run(path)
    #expect(second.status == 0 && second.standardOutput.contains("nothing to run"))
    #expect(FileManager.default.fileExists(atPath: published.appendingPathComponent("report.md").path))
    // A folder that no longer holds the lock's report (a lock restored by `git checkout` leaves another
    // branch's report beside it) is replaced by a no-op run, too.
    try Data("another branch's report\n".utf8).write(to: published.appendingPathComponent("report.md"))
    #expect(try workspace.run(path).status == 0)
    #expect(try Data(contentsOf: published.appendingPathComponent("report.md"))
      == Data(contentsOf: stored.appendingPathComponent("report.md")))
    // A changed report replaces the folder (the fake report's text names its params).
    var changed = PipelineProcessTests.plan(name: "tiny", seeds: [0, 1], rounds: 1)
    changed.runs[changed.runs.count - 1].paramsJSON = #"{"report":{"confidence":0.8}}"#
    #expect(try workspace.run(try workspace.write(changed)).status == 0)
    let text = try String(contentsOf: published.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(text.contains("0.8"))
    #expect(workspace.leftovers().isEmpty)
    let names = try FileManager.default.contentsOfDirectory(atPath: workspace.folder.url.path)
    #expect(!names.contains { $0.contains(".amf-tmp.") })
  }

  @Test func gcRemovesOrphanedSidecarFoldersAndKeepsReferencedOnes() throws {
    let (workspace, path) = try PipelineToolsTests.ranWorkspace("gcreport")
    defer { workspace.folder.remove() }
    let old = try Self.storeSidecar(workspace, path)
    var changed = PipelineProcessTests.plan(name: "gcreport", seeds: [1], rounds: 1)
    changed.runs[changed.runs.count - 1].paramsJSON = #"{"x":1}"#
    #expect(try workspace.run(try workspace.write(changed)).status == 0)
    let current = try Self.storeSidecar(workspace, path)
    #expect(old != current && FileManager.default.fileExists(atPath: old.path))
    let gc = try PipelineToolsTests.tools(["gc", path, "--store", workspace.store])
    #expect(gc.status == 0, "\(gc.standardError)")
    #expect(gc.standardOutput.contains("removed 1 keys"), "\(gc.standardOutput)")
    #expect(!FileManager.default.fileExists(atPath: old.path))
    #expect(FileManager.default.fileExists(atPath: current.appendingPathComponent("report.md").path))
    #expect(try Executables.run("amf-pipeline", workspace.arguments("verify", path)).status == 0)
  }

  @Test func archiveHoldsTheReportFolder() throws {
    let (workspace, path) = try PipelineToolsTests.ranWorkspace("archived")
    defer { workspace.folder.remove() }
    let output = workspace.folder.file("repro.tar.gz")
    let archive = try PipelineToolsTests.tools(workspace.arguments("archive", path) + [output.path])
    #expect(archive.status == 0, "\(archive.standardError)")
    let listing = try PipelineToolsTests.shell(["tar", "tzf", output.path], in: workspace.folder.url)
    #expect(listing.standardOutput.contains("archived.report/report.md"), "\(listing.standardOutput)")
  }
}
