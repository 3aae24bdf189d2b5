import AMFPipeline
import AMFStages
import AMFTestSupport
import Foundation
import Testing

/// `amf-pipeline show`, `verify`, `gc` and `archive` as processes, on stores the fake stage filled.
@Suite(.serialized) struct PipelineToolsTests {
  typealias Workspace = PipelineProcessTests.Workspace

  /// A workspace after a successful run of a one-seed, one-round plan (seed 1: the fake values are 1.0).
  static func ranWorkspace(_ name: String = "tools") throws -> (Workspace, String) {
    let workspace = try Workspace()
    let path = try workspace.write(PipelineProcessTests.plan(name: name, seeds: [1], rounds: 1))
    let result = try workspace.run(path)
    guard result.status == 0 else { throw PipelineError.unreadable(path: path, reason: result.standardError) }
    return (workspace, path)
  }

  static func lock(_ path: String) throws -> LockFile {
    try LockFile.read(LockFile.url(forManifest: URL(fileURLWithPath: path)), manifest: "")
  }

  /// The stored output of a single-output run.
  static func artifact(_ workspace: Workspace, _ path: String, run: String) throws -> URL {
    let entry = try #require(try lock(path).stages[run])
    return Store(root: URL(fileURLWithPath: workspace.store))
      .outputURL(key: entry.key, role: entry.outputs.keys.sorted()[0], roles: entry.outputs.keys.sorted())
  }

  /// Flips one bit of the first stored 1.0 (float64) of `/fake/values`: HDF5 still reads the file.
  static func flipByte(in url: URL) throws {
    var bytes = try Data(contentsOf: url)
    let range = try #require(bytes.range(of: withUnsafeBytes(of: Double(1)) { Data($0) }))
    bytes[range.lowerBound] ^= 0x01
    try bytes.write(to: url)
  }

  static func tools(_ arguments: [String]) throws -> Executables.Result {
    try Executables.run("amf-pipeline", arguments)
  }

  @Test func showPrintsKindShapesAndProvenance() throws {
    let (workspace, path) = try Self.ranWorkspace()
    defer { workspace.folder.remove() }
    let url = try Self.artifact(workspace, path, run: "evaluate/seed-1/round-1")
    let text = try Self.tools(["show", url.path])
    #expect(text.status == 0, "\(text.standardError)")
    #expect(text.standardOutput.contains("kind       evaluation (schema 1)"))
    #expect(text.standardOutput.contains("stage      evaluate v1, seed 1"))
    #expect(text.standardOutput.contains("(verified)"))
    #expect(text.standardOutput.contains("inputs     policy  "))
    #expect(text.standardOutput.contains("└─ values  float64  16"))
    let key = url.lastPathComponent.prefix(10)
    let json = try Self.tools(["show", String(key), "--store", workspace.store, "--json"])
    #expect(json.status == 0, "\(json.standardError)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
    #expect(object["kind"] as? String == "evaluation")
    #expect((object["provenance"] as? [String: Any])?["stage"] as? String == "evaluate")
    let objects = try #require(object["objects"] as? [[String: Any]])
    #expect(objects.contains { $0["path"] as? String == "/fake/values" && $0["shape"] as? [Int] == [16] })
  }

  @Test func showRefusesCorruptAndForeignFiles() throws {
    let (workspace, path) = try Self.ranWorkspace()
    defer { workspace.folder.remove() }
    let url = try Self.artifact(workspace, path, run: "evaluate/seed-1/round-1")
    try Self.flipByte(in: url)
    let corrupt = try Self.tools(["show", url.path])
    #expect(corrupt.status == 65)
    #expect(corrupt.standardError.contains("artifact corrupt"))
    #expect(corrupt.standardError.split(separator: "\n").count == 1)
    let foreign = workspace.folder.file("notes.txt")
    try Data("not hdf5".utf8).write(to: foreign)
    let notArtifact = try Self.tools(["show", foreign.path])
    #expect(notArtifact.status == 65)
    #expect(notArtifact.standardError.contains("not an HDF5 file"))
    let unknown = try Self.tools(["show", "ffff", "--store", workspace.store])
    #expect(unknown.status == 65)
  }

  @Test func verifyFindsCorruptAndMissingArtifacts() throws {
    let (workspace, path) = try Self.ranWorkspace()
    defer { workspace.folder.remove() }
    let ok = try Self.tools(workspace.arguments("verify", path))
    #expect(ok.status == 0, "\(ok.standardError)")
    #expect(ok.standardOutput.contains("verify: ok, 6 artifacts of 4 stage runs match the lock"))
    try Self.flipByte(in: try Self.artifact(workspace, path, run: "evaluate/seed-1/round-1"))
    try FileManager.default.removeItem(at: try Self.artifact(workspace, path, run: "report"))
    let bad = try Self.tools(workspace.arguments("verify", path))
    #expect(bad.status == 1)
    #expect(bad.standardOutput.contains("evaluate/seed-1/round-1 evaluation: corrupt (hash mismatch)"))
    #expect(bad.standardOutput.contains("report report: missing"))
    #expect(bad.standardOutput.contains("verify: 2 problems"))
  }

  @Test func gcRemovesOrphanedKeysOnly() throws {
    let (workspace, path) = try Self.ranWorkspace()
    defer { workspace.folder.remove() }
    let oldKeys = Set(try Self.lock(path).stages.values.map(\.key))
    var changed = PipelineProcessTests.plan(name: "tools", seeds: [1], rounds: 1)
    changed.runs[0].paramsJSON = #"{"steps":200}"#
    #expect(try workspace.run(try workspace.write(changed)).status == 0)
    let newKeys = Set(try Self.lock(path).stages.values.map(\.key))
    let orphans = oldKeys.subtracting(newKeys)
    #expect(orphans.count == 4)
    let store = Store(root: URL(fileURLWithPath: workspace.store))
    func present() -> Set<String> { Set(store.entries().map(\.key)) }
    // A key whose lock another process holds is never removed.
    let held = try #require(orphans.sorted().first)
    let lock = try #require(try store.tryLock(key: held))
    let dry = try Self.tools(["gc", path, "--store", workspace.store, "--dry-run"])
    #expect(dry.status == 0, "\(dry.standardError)")
    #expect(dry.standardOutput.contains("gc: would remove 3 keys"))
    #expect(present() == oldKeys.union(newKeys))
    let real = try Self.tools(["gc", path, "--store", workspace.store])
    #expect(real.status == 0, "\(real.standardError)")
    #expect(real.standardOutput.contains("kept \(held) (in use"))
    #expect(present() == newKeys.union([held]))
    lock.release()
    _ = try Self.tools(["gc", path, "--store", workspace.store])
    #expect(present() == newKeys)
    #expect(try Self.tools(workspace.arguments("verify", path)).status == 0)
  }

  @Test func archiveHoldsPlanLockArtifactsAndVerifiableSums() throws {
    let (workspace, path) = try Self.ranWorkspace()
    defer { workspace.folder.remove() }
    let output = workspace.folder.file("repro.tar.gz")
    let archive = try Self.tools(workspace.arguments("archive", path) + [output.path])
    #expect(archive.status == 0, "\(archive.standardError)")
    let listing = try Self.shell(["tar", "tzf", output.path], in: workspace.folder.url)
    let names = Set(listing.standardOutput.split(separator: "\n").map(String.init))
    #expect(names.isSuperset(of: ["tools.plan.json", "tools.lock.json", "SHA256SUMS"]))
    for entry in try Self.lock(path).stages.values {
      #expect(names.contains { $0.hasPrefix("store/\(entry.key.prefix(2))/\(entry.key).") && $0.hasSuffix(".h5") })
      #expect(names.contains("store/\(entry.key.prefix(2))/\(entry.key).run.json"))
    }
    let extracted = workspace.folder.file("extracted")
    try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
    #expect(try Self.shell(["tar", "xzf", output.path], in: extracted).status == 0)
    let check = try Self.shell(["sha256sum", "-c", "SHA256SUMS"], in: extracted)
    #expect(check.status == 0, "\(check.standardOutput)")
    #expect(check.standardOutput.contains("tools.lock.json: OK"))
  }

  /// Runs a system tool (found on PATH) in `folder`.
  static func shell(_ arguments: [String], in folder: URL) throws -> (status: Int32, standardOutput: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
