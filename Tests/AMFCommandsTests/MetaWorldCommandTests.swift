import AMFEnvironments
import AMFTestSupport
import Foundation
import Testing

/// `amf-pretrain` on `env.name=metaworld`: one clear error without Python, and (with Meta-World installed)
/// byte-identical artifacts from two runs, each with its own bridge child.
@Suite struct MetaWorldCommandTests {
  static let tiny = ["--param", "env.name=metaworld", "--param", "pretrain.steps=50", "--param", "pretrain.hidden=[16,16]",
                     "--param", "pretrain.demos_per_task=1", "--seed", "3", "--json"]

  @Test func missingPythonIsOneClearErrorAndWritesNothing() throws {
    let folder = try TemporaryDirectory("amf-metaworld-missing")
    defer { folder.remove() }
    var environment = ProcessInfo.processInfo.environment
    environment[PythonLocator.variable] = "/nonexistent/python"
    let result = try Executables.run(
      "amf-pretrain", Self.tiny + PretrainCommandTests.outputs(in: folder), environment: environment)
    #expect(result.status != 0)
    #expect(result.standardError.contains("AMF_METAWORLD_PYTHON=/nonexistent/python is not an executable file"))
    #expect(result.standardError.contains("bash Scripts/setup.sh --metaworld"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }

  @Test(.enabled(if: MetaWorldCommandInstall.python != nil, "Meta-World is not installed: run `bash Scripts/setup.sh --metaworld`"))
  func pretrainIsByteIdenticalAcrossBridgeProcesses() throws {
    let folder = try TemporaryDirectory("amf-metaworld-pretrain")
    defer { folder.remove() }
    var environment = ProcessInfo.processInfo.environment
    environment[PythonLocator.variable] = try #require(MetaWorldCommandInstall.python).path
    var hashes: [[String: String]] = []
    for tag in ["a", "b"] {
      let result = try Executables.run(
        "amf-pretrain", Self.tiny + PretrainCommandTests.outputs(in: folder, tag), environment: environment)
      #expect(result.status == 0, "\(result.standardError)")
      hashes.append(try PretrainCommandTests.summary(result.standardOutput).outputs.mapValues(\.contentSHA256))
    }
    #expect(hashes[0] == hashes[1])
    #expect(hashes[0].count == 2)
  }
}

/// Where the bridge's Python is, if anywhere.
enum MetaWorldCommandInstall {
  static let python = try? PythonLocator.metaWorldPython(workingDirectory: Executables.repositoryRoot)
}
