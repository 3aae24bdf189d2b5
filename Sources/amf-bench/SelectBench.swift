import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFSelection
import ArgumentParser
import Foundation

/// Time of one round of AMF's selection (B = 2 greedy picks) in-process, at the default study size and at
/// 4× tasks, pool and width; each problem is also written as `.npy` files for `Benchmarks/select_numpy.py`
/// (the NumPy reference that recomputes the scores) and, at the default size, as an `embeddings` artifact
/// for timing the `amf-select` process (`Benchmarks/select.sh`). `--gain-rank-tolerance ε` times the spectral
/// gain (`select.gain_rank_tolerance`, issue #20) instead of the Woodbury one; the CPU column is the process's
/// CPU time per round (robust to waiting for a core on a shared machine).
struct SelectBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "select", abstract: "AMF selection per round: default size and 4× tasks, pool, width.")

  @Option(help: "Problem sizes: default, tasks4x, pool4x, width4x (comma-separated).")
  var sizes = "default,tasks4x,pool4x,width4x"
  @Option(help: "Weightings: is (sharp importance weights, as measured on reacher), nois (uniform).")
  var weightings = "is,nois"
  @Option(help: "Repetitions; the median and the best are reported.") var repeats = 5
  @Option(help: "Folder for the .npy problems and the embeddings artifacts.") var out = "/tmp/amf-select-bench"
  @Option(help: "OpenBLAS threads.") var threads = 1
  @Option(help: "Score with the spectral gain at this tolerance (select.gain_rank_tolerance); default: Woodbury.")
  var gainRankTolerance: Double?

  func run() throws {
    BLASRuntime.setThreadCount(threads)
    print("| size | weights | tasks | pool | width | targets kept | blocks kept | median ms | best ms | re-scored picks | CPU ms (median) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes.split(separator: ",").map(String.init) {
      for weighting in weightings.split(separator: ",").map(String.init) {
        var bench = try SelectBenchProblem(size: size, sharp: weighting == "is")
        bench.problem.gainRankTolerance = gainRankTolerance
        var times: [Double] = []
        var cpuTimes: [Double] = []
        var result: SelectionResult?
        for _ in 0..<repeats {
          let (start, cpuStart) = (DispatchTime.now().uptimeNanoseconds, Self.cpuMilliseconds())
          result = try AMFStrategy.select(bench.problem)
          times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
          cpuTimes.append(Self.cpuMilliseconds() - cpuStart)
        }
        times.sort()
        cpuTimes.sort()
        let folder = URL(fileURLWithPath: out).appendingPathComponent("\(size)-\(weighting)")
        try bench.export(to: folder, result: result!)
        let kept = bench.keptCounts
        print(String(
          format: "| %@ | %@ | %d | %d | %d | %d | %d | %.1f | %.1f | %d | %.1f |", size, weighting, bench.tasks,
          bench.pool, bench.width, kept.targets, kept.blocks, times[times.count / 2], times[0],
          result?.exactlyRescored.count ?? 0, cpuTimes[cpuTimes.count / 2]))
        print("RESULT swift \(size) \(weighting) \(times[times.count / 2]) \(times[0]) cpu \(cpuTimes[cpuTimes.count / 2])")
      }
    }
  }

  /// CPU time of this process (every thread), in ms: what a round costs without the wait for a core on a
  /// shared machine.
  static func cpuMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
  }
}

/// A synthetic problem of the study's shape: P pool trajectories of H = 60 steps (the last |C| are one
/// rollout per task, the rest collected demonstrations that also form the conditioning set), targets = the
/// tasks 4 … 4 + ⌊|C|/3⌋ − 1 on stride 5, φ of width p rounded to float32.
struct SelectBenchProblem {
  let tasks: Int
  let pool: Int
  let width: Int
  static let horizon = 60
  static let stride = 5
  var problem: SelectionProblem
  let weights: ImportanceWeights
  let set: EmbeddingSet

  init(size: String, sharp: Bool) throws {
    var (tasks, pool, width) = (12, 30, 130)
    switch size {
    case "default": break
    case "tasks4x": tasks *= 4
    case "pool4x": pool *= 4
    case "width4x": width *= 4
    default: throw ValidationError("unknown size \(size)")
    }
    (self.tasks, self.pool, self.width) = (tasks, pool, width)
    let (horizon, stride) = (Self.horizon, Self.stride)
    var rng = Seed(11).generator("bench/select")
    let poolTasks = (0..<pool).map { $0 % tasks }
    // φ(s_{i,t}, c) = (u_{i,t} + v_c) ⊙ (1 + 0.5 g_c) / √p with u smooth in t.
    let u0 = (0..<pool * width).map { _ in rng.normal() }
    let u1 = (0..<pool * width).map { _ in rng.normal() }
    let v = (0..<tasks * width).map { _ in rng.normal() }
    let g = (0..<tasks * width).map { _ in rng.normal() }
    let scale = 1 / Double(width).squareRoot()
    func phi(_ i: Int, _ t: Int, _ c: Int) -> [Float] {
      let angle = Double(t) / Double(horizon) * 2
      return (0..<width).map { k in
        let state = cos(angle) * u0[i * width + k] + sin(angle) * u1[i * width + k]
        return Float((state + v[c * width + k]) * (1 + 0.5 * g[c * width + k]) * scale)
      }
    }
    let targetTasks = Array(4..<(4 + max(1, tasks / 3)))  // {4, 5, 6, 7} at the default size, as in targeted
    var labels: (targets: [PointLabel], candidates: [PointLabel], conditioning: [PointLabel]) = ([], [], [])
    for c in targetTasks {
      for i in 0..<pool { for t in Swift.stride(from: 0, to: horizon, by: stride) { labels.targets.append(PointLabel(task: c, pool: i, step: t)) } }
    }
    for c in 0..<tasks { for i in 0..<pool { for t in 0..<horizon { labels.candidates.append(PointLabel(task: c, pool: i, step: t)) } } }
    for i in 0..<max(0, pool - tasks) { for t in 0..<horizon { labels.conditioning.append(PointLabel(task: poolTasks[i], pool: i, step: t)) } }
    func points(_ list: [PointLabel]) -> EmbeddingSet.Points {
      EmbeddingSet.Points(
        phi: list.flatMap { phi($0.pool, $0.step, $0.task) }, width: width, task: list.map(\.task),
        poolIndex: list.map(\.pool), step: list.map(\.step))
    }
    let (targets, candidates, conditioning) = (points(labels.targets), points(labels.candidates), points(labels.conditioning))
    if sharp {
      var likelihoods = Matrix<Double>(rows: pool, columns: tasks)
      for i in 0..<pool { for c in 0..<tasks { likelihoods[i, c] = -40 * Double(abs(c - poolTasks[i])) } }
      weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: poolTasks, temperature: 1, clip: 30)
    } else {
      weights = try ImportanceWeights(uniformOver: poolTasks, taskCount: tasks)
    }
    var mu = [Double](repeating: 0, count: tasks)
    for c in targetTasks { mu[c] = 1 / Double(targetTasks.count) }
    func matrix(_ p: EmbeddingSet.Points) throws -> Matrix<Double> {
      try Matrix(rows: p.count, columns: width, values: p.phi.map { Double($0) })
    }
    problem = SelectionProblem(
      taskCount: tasks, candidates: Array(0..<tasks), targetWeights: mu, batch: 2, round: 1, seed: Seed(0),
      weights: weights, targets: labels.targets, candidatePoints: labels.candidates,
      embeddings: .weightSpace(targets: try matrix(targets), candidates: try matrix(candidates), conditioning: try matrix(conditioning)),
      entropies: [Double](repeating: 0, count: labels.candidates.count), collectedCounts: [Int](repeating: 0, count: tasks),
      noiseVariance: 0.01, targetNoise: false, minWeight: 1e-9)
    var collected = [Int](repeating: 0, count: tasks)
    for i in 0..<max(0, pool - tasks) { collected[poolTasks[i]] += 1 }
    set = try EmbeddingSet(
      kind: "loss_gradient", space: .weight, normalization: 1, importanceWeights: sharp, round: 1, environmentName: "bench",
      kernel: nil, targetWeights: mu, collected: collected, poolTask: poolTasks, poolLength: [Int](repeating: Self.horizon, count: pool),
      poolSource: (0..<pool).map { $0 < pool - tasks ? "round_1" : "rollout" }, logRatios: weights.logRatios.storage,
      logWeights: weights.logWeights.storage, ess: weights.effectiveSampleSize, ownShare: weights.ownTaskShare,
      clippedFraction: weights.clippedFraction, targets: targets, candidates: candidates, conditioning: conditioning,
      entropy: [Double](repeating: 0, count: labels.candidates.count))
  }

  /// Targets and blocks the `amf` strategy keeps (weight ≥ 1e-9).
  var keptCounts: (targets: Int, blocks: Int) {
    let targets = problem.targets.filter { weights.weight($0.pool, task: $0.task) >= problem.minWeight }.count
    var blocks = 0
    for c in 0..<tasks {
      let best = (0..<pool).max { weights.logWeights[$0, c] < weights.logWeights[$1, c] } ?? 0
      blocks += (0..<pool).filter { weights.weight($0, task: c) >= problem.minWeight || $0 == best }.count
    }
    return (targets, blocks)
  }

  /// Writes the problem as `.npy` files (float64 / int64, C order), `meta.json`, Swift's picks and scores,
  /// and the `embeddings` artifact.
  func export(to folder: URL, result: SelectionResult) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func labels(_ list: [PointLabel]) -> [Int64] { list.flatMap { [Int64($0.task), Int64($0.pool), Int64($0.step)] } }
    guard case .weightSpace(let targets, let candidates, let conditioning) = problem.embeddings else { return }
    try NPY.write(targets.storage, shape: [targets.rows, width], to: folder.appendingPathComponent("targets.npy"))
    try NPY.write(candidates.storage, shape: [candidates.rows, width], to: folder.appendingPathComponent("candidates.npy"))
    try NPY.write(conditioning.storage, shape: [conditioning.rows, width], to: folder.appendingPathComponent("conditioning.npy"))
    try NPY.write(labels(problem.targets), shape: [problem.targets.count, 3], to: folder.appendingPathComponent("target_labels.npy"))
    try NPY.write(labels(problem.candidatePoints), shape: [problem.candidatePoints.count, 3], to: folder.appendingPathComponent("candidate_labels.npy"))
    try NPY.write(weights.logWeights.storage, shape: [pool, tasks], to: folder.appendingPathComponent("log_weights.npy"))
    try NPY.write(weights.poolTasks.map(Int64.init), shape: [pool], to: folder.appendingPathComponent("pool_tasks.npy"))
    try NPY.write(problem.targetWeights, shape: [tasks], to: folder.appendingPathComponent("target_weights.npy"))
    try NPY.write(problem.tieBreakOrder.map(Int64.init), shape: [tasks], to: folder.appendingPathComponent("tie_order.npy"))
    try NPY.write(result.scores.flatMap { $0 }, shape: [result.scores.count, tasks], to: folder.appendingPathComponent("swift_scores.npy"))
    try NPY.write(result.selected.map(Int64.init), shape: [result.selected.count], to: folder.appendingPathComponent("swift_selected.npy"))
    let meta = "{\"batch\": \(problem.batch), \"noise_variance\": \(problem.noiseVariance), \"min_weight\": \(problem.minWeight)}\n"
    try Data(meta.utf8).write(to: folder.appendingPathComponent("meta.json"))
    let artifact = Artifact(
      kind: .embeddings, provenance: Provenance(stage: "embed", stageVersion: 1, paramsJSON: "{}", seed: 0),
      content: try set.contentGroup())
    _ = try ArtifactFile.write(artifact, to: folder.appendingPathComponent("embeddings.h5"))
  }
}

/// NumPy's `.npy` format, version 1.0: magic, header dict, raw little-endian data.
enum NPY {
  static func write(_ values: [Double], shape: [Int], to url: URL) throws {
    try write(bytes: values.withUnsafeBytes { Data($0) }, descr: "<f8", shape: shape, to: url)
  }

  static func write(_ values: [Int64], shape: [Int], to url: URL) throws {
    try write(bytes: values.withUnsafeBytes { Data($0) }, descr: "<i8", shape: shape, to: url)
  }

  static func write(bytes: Data, descr: String, shape: [Int], to url: URL) throws {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    data.append(bytes)
    try data.write(to: url)
  }
}
