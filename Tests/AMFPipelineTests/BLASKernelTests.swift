import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Every stage runs on one OpenBLAS kernel (byte-identical artifacts across CPUs) unless the user says.
@Suite struct BLASKernelTests {
  @Test func kernelChoice() {
    #expect(BLASKernel.toPin(environment: [:]) == "Haswell")
    #expect(BLASKernel.toPin(environment: ["OPENBLAS_CORETYPE": "Zen"]) == nil)
    #expect(BLASKernel.toPin(environment: ["AMF_BLAS_KERNEL": "native"]) == nil)
    #expect(BLASKernel.toPin(environment: ["AMF_BLAS_KERNEL": "Sandybridge"]) == "Sandybridge")
  }

  /// The orchestrator's children get `OPENBLAS_CORETYPE` (and one BLAS thread) in their environment.
  @Test func stageProcessesGetThePinnedKernel() async throws {
    let folder = try TemporaryDirectory("amf-kernel")
    defer { folder.remove() }
    let script = folder.file("stage.sh")
    // Called as `stage.sh stage <kind> … --output role=PATH`: writes its BLAS settings to PATH.
    try Data("""
      #!/bin/sh
      for last; do :; done
      printf '%s %s' "$OPENBLAS_CORETYPE" "$OPENBLAS_NUM_THREADS" > "${last#*=}"

      """.utf8).write(to: script)
    chmod(script.path, 0o755)
    let run = StageRunSpec(name: "x", kind: "pretrain", stageVersion: 1, paramsJSON: "{}", seed: 0, inputs: [:],
                           outputRoles: ["policy"])
    let output = folder.file("out.txt")
    let status = try await SubprocessStageRunner(executable: script).run(
      StageInvocation(run: run, key: "k", inputs: [:], outputs: ["policy": output], log: folder.file("k.log")))
    #expect(status == 0)
    let expected = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "Haswell"
    #expect(try String(contentsOf: output, encoding: .utf8) == "\(expected) 1")
  }
}
