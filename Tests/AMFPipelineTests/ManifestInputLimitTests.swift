import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// What `ManifestLoader` refuses before or while parsing (issue #17): non-regular files, files over
/// `InputLimits.manifestBytes`, alias bombs past `InputLimits.manifestNodes`; and where it reports a
/// duplicate key.
@Suite struct ManifestInputLimitTests {
  /// Loads `text` as `m.yaml` and returns the error, if any.
  static func loadError(_ text: String) throws -> ManifestError? {
    let folder = try TemporaryDirectory("manifest-limits")
    defer { folder.remove() }
    try text.write(to: folder.file("m.yaml"), atomically: true, encoding: .utf8)
    let loader = ManifestLoader(workingDirectory: folder.url, pipelinesDirectory: folder.file("Pipelines"))
    do {
      _ = try loader.load("m.yaml")
      return nil
    } catch let error as ManifestError {
      return error
    }
  }

  /// 10 levels of 9 aliases each: 9¹⁰ ≈ 3.5 × 10⁹ nodes once expanded.
  static var aliasBomb: String {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in 1...10 {
      let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
      lines.append("a\(level): &a\(level) [\(previous)]")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func anAliasBombStopsAtTheNodeLimit() throws {
    let error = try #require(try Self.loadError(Self.aliasBomb))
    guard case .limitExceeded(let location, let reason) = error else {
      Issue.record("expected limitExceeded, got \(error)")
      return
    }
    #expect(location.file.hasSuffix("m.yaml"))
    #expect(reason.contains("more than 100000 YAML nodes"), "\(reason)")
    #expect(!"\(error)".contains("\n"))
  }

  @Test func aManifestJustUnderTheNodeLimitLoads() throws {
    // 2 nodes per entry (key and value) plus the root mapping.
    let entries = (InputLimits.manifestNodes - 1) / 2
    let text = (0..<entries).map { "k\($0): \($0)" }.joined(separator: "\n") + "\n"
    #expect(try Self.loadError(text) == nil)
    #expect(try Self.loadError(text + "one_more: 1\n") != nil)
  }

  @Test func aFileOverOneMebibyteIsRefusedBeforeParsing() throws {
    let text = "name: big\ndescription: \"" + String(repeating: "x", count: InputLimits.manifestBytes) + "\"\n"
    let error = try #require(try Self.loadError(text))
    #expect("\(error)".contains("bytes, over the limit of 1 MiB"), "\(error)")
  }

  @Test func fifosAndDevicesAreRefusedAsNotRegularFiles() throws {
    let folder = try TemporaryDirectory("manifest-fifo")
    defer { folder.remove() }
    let fifo = folder.file("fifo.yaml")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let loader = ManifestLoader(workingDirectory: folder.url, pipelinesDirectory: folder.file("Pipelines"))
    #expect(throws: ManifestError.notRegularFile(path: fifo.path, type: "a FIFO")) { _ = try loader.load("fifo.yaml") }
    #expect(throws: ManifestError.notRegularFile(path: "/dev/zero", type: "a character device")) {
      _ = try loader.load("/dev/zero")
    }
  }

  @Test func aDuplicateKeyIsReportedAtItsOwnLineInOneLine() throws {
    let error = try #require(try Self.loadError("name: a\nseeds: 0..1\n# note\nname: b\n"))
    #expect(error == .duplicateKey(SourceLocation(file: error.file, line: 4, column: 1), key: "name", firstLine: 1))
    #expect("\(error)".hasSuffix("m.yaml:4:1: duplicate key 'name' (first written at line 1); keep one of them"))
  }

  @Test func aNestedDuplicateKeyIsFoundInItsOwnMapping() throws {
    let text = "name: a\nbudget:\n  demos: 20\n  batch: 2\n  demos: 40\nselect:\n  demos: 1\n"
    let error = try #require(try Self.loadError(text))
    #expect(error == .duplicateKey(SourceLocation(file: error.file, line: 5, column: 3), key: "demos", firstLine: 3))
    let listed = try #require(try Self.loadError("arms:\n  - name: a\n    name: b\n"))
    #expect(listed == .duplicateKey(SourceLocation(file: listed.file, line: 3, column: 5), key: "name", firstLine: 2))
  }

  @Test func aDuplicateKeyInAFlowMappingIsReportedAtTheFirst() throws {
    let error = try #require(try Self.loadError("budget: {demos: 20, demos: 40}\n"))
    #expect(error == .duplicateKey(SourceLocation(file: error.file, line: 1, column: 10), key: "demos", firstLine: 1))
  }
}

extension ManifestError {
  /// The file a located error points at (test helper).
  var file: String {
    switch self {
    case .duplicateKey(let location, _, _), .limitExceeded(let location, _), .syntax(let location, _): location.file
    default: ""
    }
  }
}
