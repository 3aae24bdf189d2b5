import AMFCore
import AMFNumerics
import AMFPolicy
import ArgumentParser
import Foundation

/// Behaviour-cloning training steps/s and batched inference throughput of the MLP policy
/// (workloads A and B of BENCHMARKS-bc.md; `Benchmarks/bc_jax.py` and `bc_numpy.py` run the same).
struct BCBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bc", abstract: "MLP Gaussian-policy BC steps/s and inference rows/s (workloads A, B).")

  @Option(help: "Workloads to run (A: 10→2×64 tanh→2; B: 14→2×256 tanh→2).") var workloads = "A,B"
  @Option(help: "OpenBLAS thread counts to try, comma-separated.") var threads = "1,2"
  @Option(help: "Timed training steps for workload A (B uses a quarter).") var steps = 4000
  @Option(help: "Repetitions; the best is reported.") var repeats = 3
  @Option(help: "Rows per inference batch.") var inferenceBatch = 4096

  func run() throws {
    print("| workload | threads | train steps/s | steps per CPU-s | train GFLOP/s | inference rows/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in workloads.split(separator: ",").map(String.init) {
      guard let workload = BCWorkload(name: name) else { throw ValidationError("unknown workload \(name)") }
      for count in threads.split(separator: ",").compactMap({ Int($0) }) {
        BLASRuntime.setThreadCount(count)
        let timedSteps = name == "A" ? steps : max(1, steps / 4)
        let (train, cpu) = try workload.trainingStepsPerSecond(steps: timedSteps, repeats: repeats)
        let infer = workload.inferenceRowsPerSecond(batch: inferenceBatch, repeats: repeats)
        let gflops = train * workload.flopsPerStep / 1e9
        print(String(format: "| %@ | %d | %.0f | %.0f | %.1f | %.3g |", name, count, train, cpu, gflops, infer))
        print(String(format: "RESULT swift %@ %d %.1f %.1f %.1f", name, count, train, infer, cpu))
      }
    }
  }
}

/// One benchmark workload: synthetic linear-Gaussian data and a fresh network.
struct BCWorkload {
  let architecture: MLPArchitecture
  let data: BehaviorCloningData<Float>
  let batchSize = 256

  init?(name: String) {
    let (observation, hidden) = switch name {
    case "A": (8, 64)
    case "B": (12, 256)
    default: (0, 0)
    }
    guard observation > 0 else { return nil }
    architecture = MLPArchitecture(observationDimension: observation, taskFeatureDimension: 2, actionDimension: 2,
                                   hiddenWidths: [hidden, hidden], activation: .tanh)
    var rng = Seed(0).generator("bench/data")
    let rows = 10_000
    func sample(_ columns: Int) -> Matrix<Float> {
      var matrix = Matrix<Float>(rows: rows, columns: columns)  // (rows × columns)
      for i in matrix.storage.indices { matrix.storage[i] = Float(rng.normal()) }
      return matrix
    }
    do {
      data = try BehaviorCloningData(observations: sample(observation), taskFeatures: sample(2), actions: sample(2))
    } catch {
      return nil
    }
  }

  /// Multiply-adds × 2 of one step: forward (all layers), backward (weight grads, input grads but the first).
  var flopsPerStep: Double {
    let shapes = architecture.layerShapes
    let forward = shapes.reduce(0.0) { $0 + 2 * Double(batchSize * $1.rows * $1.columns) }
    let firstLayer = 2 * Double(batchSize * shapes[0].rows * shapes[0].columns)
    return 3 * forward - firstLayer
  }

  /// Steps per wall-clock second and per CPU second of the process (both best of `repeats`); the CPU
  /// figure is robust to other load on a shared machine but counts OpenBLAS's spinning threads.
  func trainingStepsPerSecond(steps: Int, repeats: Int) throws -> (wall: Double, cpu: Double) {
    let policy = MLPPolicy(architecture: architecture, fittingNormalizerTo: data.observations, seed: Seed(1))
    var trainer = try BehaviorCloningTrainer(initial: policy, data: data, seed: Seed(2))
    try trainer.train(steps: 200)  // warm-up: caches, OpenBLAS threads
    var best = Double.infinity
    var bestCPU = Double.infinity
    for _ in 0..<max(1, repeats) {
      let start = ContinuousClock.now
      let startCPU = Self.processCPUSeconds()
      try trainer.train(steps: steps)
      best = min(best, (ContinuousClock.now - start).seconds)
      bestCPU = min(bestCPU, Self.processCPUSeconds() - startCPU)
    }
    return (Double(steps) / best, Double(steps) / bestCPU)
  }

  static func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  func inferenceRowsPerSecond(batch: Int, repeats: Int) -> Double {
    let network = MLPNetwork<Float>(architecture: architecture, seed: Seed(3))
    let workspace = MLPWorkspace<Float>(architecture: architecture, batchSize: batch)
    for i in 0..<(batch * architecture.inputDimension) {
      workspace.setInput(Float((i * 7919) % 1000) / 500 - 1, at: i)
    }
    network.forward(in: workspace)
    let passes = 20
    let seconds = Workload.best(of: repeats) { for _ in 0..<passes { network.forward(in: workspace) } }
    return Double(batch * passes) / seconds
  }
}
