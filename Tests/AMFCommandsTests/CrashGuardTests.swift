import AMFTestSupport
import Foundation
import Testing

/// The C crash guard (Sources/CCrashGuard) that turns a crash inside libhdf5 into one line and exit 65:
/// exercised by `amf-fake-stage`, which raises SIGSEGV with the guard armed or not.
@Suite struct CrashGuardTests {
  func crash(_ mode: String) throws -> Executables.Result {
    let folder = try TemporaryDirectory("amf-crash-guard")
    defer { folder.remove() }
    let params = folder.file("params.json")
    try Data("{\"fake_crash\": \"\(mode)\"}".utf8).write(to: params)
    return try Executables.run("amf-fake-stage", ["stage", "select", "--params-file", params.path, "--seed", "0"])
  }

  @Test func anArmedGuardTurnsASegfaultIntoOneLineAndExit65() throws {
    let result = try crash("guarded")
    #expect(!result.terminatedBySignal)
    #expect(result.status == 65)
    #expect(result.standardError == "fake-stage: error: crashed while the guard was armed\n")
  }

  /// Outside a guarded section a crash keeps its default action: a bug of ours still dumps core.
  @Test func anUnarmedGuardLetsTheSignalThrough() throws {
    let result = try crash("unguarded")
    #expect(result.terminatedBySignal)
    #expect(result.status == SIGSEGV)
    #expect(result.standardError.isEmpty)
  }
}
