import AMFArtifacts
import AMFNumerics
import ArgumentParser
import Foundation

/// `amf-bench`: the measurements behind BENCHMARKS.md. Not a stage; a developer tool.
@main
struct BenchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "amf-bench",
    abstract: "Measure the numeric kernels, the artifact layer, BC training and the pipeline engine (BENCHMARKS.md).",
    subcommands: [
      KernelsBench.self, ArtifactsBench.self, WriteArtifact.self, BCBench.self, RenderEnvironments.self,
      PipelinePlan.self, PipelineEngineBench.self, SelectBench.self, StudyDiagnosticsCommand.self, MetaWorldBench.self,
    ])
}

/// Matrix products: the plain-Swift loop (shows whether the numeric modules are optimized) and OpenBLAS.
struct KernelsBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "kernels", abstract: "sgemm: naive Swift vs OpenBLAS.")

  @Option(help: "Matrix size n (n × n times n × n).") var size = 256
  @Option(help: "Repetitions; the best is reported.") var repeats = 5
  @Option(help: "OpenBLAS threads.") var threads = 1

  func run() throws {
    BLASRuntime.setThreadCount(threads)
    let n = size
    let a = (0..<(n * n)).map { Float(($0 * 7919) % 1000) / 1000 }
    let b = (0..<(n * n)).map { Float(($0 * 104_729) % 1000) / 1000 }
    var c = [Float](repeating: 0, count: n * n)
    let flops = 2 * Double(n) * Double(n) * Double(n)
    let naive = Workload.best(of: repeats) { _ = NaiveKernels.product(a, b, m: n, k: n, n: n) }
    let blas = Workload.best(of: repeats) { BLASRuntime.multiply(a, b, into: &c, m: n, k: n, n: n) }
    print("numeric modules optimized: \(NumericsBuild.isOptimized)")
    print("| kernel | n | best time (ms) | GFLOP/s |")
    print("|---|---:|---:|---:|")
    print(String(format: "| naive Swift | %d | %.3f | %.2f |", n, naive * 1e3, flops / naive / 1e9))
    print(String(format: "| cblas_sgemm (%d thread) | %d | %.3f | %.2f |", threads, n, blas * 1e3, flops / blas / 1e9))
  }
}

/// Artifact write, read (with hash verification) and hashing throughput.
struct ArtifactsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "artifacts", abstract: "Write, read+verify and hash one float32 dataset.")

  @Option(help: "Number of float32 elements.") var elements = 4_194_304
  @Option(help: "Repetitions; the best is reported.") var repeats = 3
  @Option(help: "Folder for the temporary files.") var folder = NSTemporaryDirectory()

  func run() throws {
    let artifact = try Workload.artifact(elements: elements)
    let url = URL(fileURLWithPath: folder).appendingPathComponent("amf-bench-\(getpid()).h5")
    defer { try? FileManager.default.removeItem(at: url) }
    let megabytes = Double(elements * 4) / 1_048_576
    let write = try Workload.bestThrowing(of: repeats) { try ArtifactFile.write(artifact, to: url) }
    let read = try Workload.bestThrowing(of: repeats) { _ = try ArtifactFile.read(url) }
    let hash = try Workload.bestThrowing(of: repeats) { _ = try artifact.contentHash() }
    print("| operation | MiB | best time (ms) | MiB/s |")
    print("|---|---:|---:|---:|")
    for (name, seconds) in [("write (hash + HDF5 + fsync + rename)", write), ("read + verify hash", read),
                            ("content hash only", hash)] {
      print(String(format: "| %@ | %.1f | %.1f | %.0f |", name, megabytes, seconds * 1e3, megabytes / seconds))
    }
  }
}

/// Writes one artifact of `elements` float32 values: the workload the kill-during-write test interrupts.
struct WriteArtifact: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "write", abstract: "Write one float32 artifact atomically (used by tests).")

  @Option(help: "Number of float32 elements.") var elements = 1024
  @Option(help: "Destination path.") var output: String

  func run() throws {
    var content = ArtifactGroup()
    try content.setDataset(.vector([Float](repeating: 0.5, count: elements)), at: "/data/values")
    let artifact = Artifact(kind: .evaluation, provenance: Provenance(stage: "bench", stageVersion: 1), content: content)
    let hash = try ArtifactFile.write(artifact, to: URL(fileURLWithPath: output))
    print(hash)
  }
}

enum Workload {
  static func artifact(elements: Int) throws -> Artifact {
    var content = ArtifactGroup()
    try content.setDataset(.vector((0..<elements).map { Float($0 % 4099) * 0.25 }), at: "/data/values")
    return Artifact(kind: .evaluation, provenance: Provenance(stage: "bench", stageVersion: 1), content: content)
  }

  static func best(of repeats: Int, _ body: () -> Void) -> Double {
    (0..<max(1, repeats)).map { _ in seconds(body) }.min() ?? 0
  }

  static func bestThrowing(of repeats: Int, _ body: () throws -> Void) throws -> Double {
    var best = Double.infinity
    for _ in 0..<max(1, repeats) {
      let start = ContinuousClock.now
      try body()
      best = min(best, (ContinuousClock.now - start).seconds)
    }
    return best
  }

  static func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    return (ContinuousClock.now - start).seconds
  }
}

extension Duration {
  var seconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }
}
