import AMFTestSupport
import Foundation
import Testing

/// `amf-pipeline` on the committed YAML manifests, from the repository root as a user types it.
@Suite struct ManifestCommandTests {
  @Test func relativeManifestResolvesUnderPipelines() throws {
    let result = try Executables.run(
      "amf-pipeline", ["dag", "smoke/ablations/no-is.yaml", "--format", "text"],
      workingDirectory: Executables.repositoryRoot)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.hasPrefix("pretrain/seed-0"))
    #expect(result.standardOutput.contains("embed/seed-0/round-1\n    policy ← pretrain/seed-0.policy"))
  }

  @Test func statusOfAFreshStoreSaysNew() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let result = try Executables.run(
      "amf-pipeline", ["status", "smoke/ablations/amf.yaml", "--store", folder.file("store").path, "--exit-code"],
      workingDirectory: Executables.repositoryRoot)
    #expect(result.status == 2)
    #expect(result.standardOutput.contains("0 up to date"))
    #expect(result.standardOutput.contains("pretrain/seed-0"))
    #expect(result.standardOutput.contains("  new"))
  }

  @Test func typoInManifestNamesFileLineAndColumn() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let manifest = folder.file("typo.yaml")
    try """
      name: typo
      extends: \(Executables.repositoryRoot.path)/Pipelines/smoke/base/reacher-targeted.yaml
      select: {strategy: amf, importance_weight: false}
      """.write(to: manifest, atomically: true, encoding: .utf8)
    let result = try Executables.run("amf-pipeline", ["status", manifest.path])
    #expect(result.status == 65)
    #expect(result.standardError.contains("typo.yaml:3:"))
    #expect(result.standardError.contains("importance_weight"))
    #expect(result.standardError.contains("importance_weights"))
    #expect(result.standardError.split(separator: "\n").count == 1)
  }
}
