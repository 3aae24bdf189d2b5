import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFPolicy
import AMFSelection
import Foundation

/// `amf-embed`: the proxy pool of round r, its importance weights, and AMF's kernel inputs at the target,
/// candidate and conditioning points (AMF.md §2.1–2.3).
///
/// Pool (in this order): every collected demonstration of D_r (source `round_*`, in collection order), then
/// `embed.rollouts_per_task` rollouts of π_r per task acting with the mean action; rollout k of task c starts
/// from `seed.derived("embed/round-r/task-c/rollout-k")`. The policy is evaluated once on every pool state
/// paired with every task; from that batch come the log-likelihoods of the importance weights, the
/// candidate points (all steps, candidate tasks), the target points (steps on `embed.stride`, target tasks),
/// the conditioning points (every step of every collected demonstration, with its own task) and the
/// entropies. MLP policies give linear-kernel embeddings scaled so that the mean of `k(x, x)` over the target
/// points is 1; a GP policy gives standardized inputs for its own RBF kernel (function space), conditioned on
/// its training data D = pre-training ∪ collected. MC dropout draws from `seed.derived("embed/round-r/dropout")`.
public enum EmbedStage: Stage {
  public typealias Params = EmbedParams
  public static let kind = StageKind.embed

  public static var defaultParams: EmbedParams { EmbedParams() }

  public static var parameterVariants: [(condition: String, params: EmbedParams)] {
    var dropout = EmbedParams()
    dropout.embed.kind = .dropout
    return [("embed.kind=dropout", dropout)]
  }

  public static func run(_ inputs: StageInputs, params: EmbedParams, context: StageContext) throws -> [StageOutput] {
    let setup = try PretrainSetup(env: params.env, scenario: params.scenario, demosPerTask: 1)
    let environment = setup.environment
    let policyRole = "policy"
    let checkpoint = try PolicyCheckpoint(artifactContent: try inputs.required(policyRole).content, file: inputs.path(policyRole))
    try checkPolicy(checkpoint.policy, fits: environment, role: policyRole, path: inputs.path(policyRole))
    let collected = try collectedDemonstrations(inputs, environment: environment, id: setup.id)
    var pretraining: [DemonstrationSet.Demonstration] = []
    if params.embed.conditionOnPretraining {
      guard inputs.artifacts["pretraining"] != nil else { throw StageError.missingInput(role: "pretraining") }
      pretraining = try collectedDemonstrations(
        inputs, role: "pretraining", environment: environment, id: setup.id) { _ in true }
    }
    let pool = try buildPool(
      collected: collected, policy: checkpoint.policy, environment: environment, params: params, seed: context.seed)
    context.progress.log(
      "proxy pool: \(collected.count) collected demonstrations + \(pool.count - collected.count) rollouts")
    let batch = try PoolBatch(pool: pool, environment: environment)
    let outputs = try evaluate(checkpoint, batch: batch, params: params, seed: context.seed)
    let weights = try importanceWeights(pool: pool, batch: batch, outputs: outputs, params: params)
    if params.importance.targetESS != nil {
      context.progress.log("temperature per task: " + weights.temperatures.map { String(format: "%.3g", $0) }.joined(separator: " "))
    }
    var set = try assemble(
      pool: pool, batch: batch, outputs: outputs, weights: weights, checkpoint: checkpoint, setup: setup,
      params: params)
    if !pretraining.isEmpty, set.space == .weight {
      try appendConditioning(pretraining, checkpoint: checkpoint, environment: environment, params: params, seed: context.seed, scale: Float(set.normalization), to: &set)
    }
    let ess = set.ess.map { String(format: "%.1f", $0) }.joined(separator: " ")
    let own = set.ownShare.map { String(format: "%.2f", $0) }.joined(separator: " ")
    context.progress.log("ESS per task: \(ess)")
    context.progress.log("own-task share per task: \(own)")
    context.progress.log(
      "\(set.targets.count) target points, \(set.candidates.count) candidate points, "
        + "\(set.conditioning.count) conditioning points, width \(set.targets.width) (\(set.kind))")
    return [StageOutput(role: "embeddings", kind: .embeddings, content: try set.contentGroup())]
  }

  /// One pool trajectory: states, actions, task and source.
  struct PoolTrajectory {
    var task: Int
    var source: DemonstrationSource
    /// Shapes: (T × observationDimension).
    var observations: [Float]
    /// Shapes: (T × actionDimension).
    var actions: [Float]
    var length: Int

    /// A demonstration as a pool trajectory (its source checked by `collectedDemonstrations`).
    init(_ demo: DemonstrationSet.Demonstration) {
      self.init(
        task: demo.task, source: DemonstrationSource(demo.source) ?? .pretrain, observations: demo.observations,
        actions: demo.actions, length: demo.stepCount)
    }

    init(task: Int, source: DemonstrationSource, observations: [Float], actions: [Float], length: Int) {
      (self.task, self.source, self.observations, self.actions, self.length) = (task, source, observations, actions, length)
    }
  }

  static func checkPolicy(_ policy: any GaussianPolicy, fits environment: any TaskEnvironment, role: String, path: String)
    throws
  {
    let expected = [environment.observationDimension, environment.taskFeatures(of: 0).count, environment.actionDimension]
    let found = [policy.observationDimension, policy.taskFeatureDimension, policy.actionDimension]
    guard expected == found else {
      throw StageError.incompatibleInput(
        role: role, path: path, field: "(observation, task-feature, action) dimensions",
        reason: "are \(found), the environment has \(expected)",
        fix: "pass a policy trained on this environment (env.name, env.goals)")
    }
  }

  /// The demonstrations of D_r collected in rounds (source `round_*`), checked against the environment.
  static func collectedDemonstrations(
    _ inputs: StageInputs, role: String = "demonstrations", environment: any TaskEnvironment, id: EnvironmentID,
    include: (DemonstrationSource) -> Bool = \.isCollected
  ) throws -> [DemonstrationSet.Demonstration] {
    guard let artifact = inputs.artifacts[role] else { return [] }
    let set: DemonstrationSet
    do { set = try DemonstrationSet(artifact) } catch { throw error.inFile(inputs.path(role)) }
    guard set.environmentName == id.rawValue else {
      throw StageError.incompatibleInput(
        role: role, path: inputs.path(role), field: "/data@env_name",
        reason: "is '\(set.environmentName)', the params say '\(id.rawValue)'",
        fix: "pass demonstrations of the same environment as the policy and env.name")
    }
    guard set.observationDimension == environment.observationDimension,
      set.actionDimension == environment.actionDimension
    else {
      throw StageError.incompatibleInput(
        role: role, path: inputs.path(role), field: "observation/action widths",
        reason: "are \(set.observationDimension)/\(set.actionDimension), the environment has "
          + "\(environment.observationDimension)/\(environment.actionDimension)",
        fix: "pass demonstrations of this environment")
    }
    for demo in set.demonstrations where !(0..<environment.taskCount).contains(demo.task) {
      throw StageError.incompatibleInput(
        role: role, path: inputs.path(role), field: "demo task", reason: "\(demo.task) is outside 0..<\(environment.taskCount)",
        fix: "pass demonstrations of this environment's task set")
    }
    var kept: [DemonstrationSet.Demonstration] = []
    for (index, demo) in set.demonstrations.enumerated() {
      guard let source = DemonstrationSource(demo.source) else {
        throw StageError.incompatibleInput(
          role: role, path: inputs.path(role), field: "/data/\(DemonstrationSet.demoName(index))@source",
          reason: "is '\(demo.source)'", fix: "pass demonstrations written by amf-pretrain or amf-finetune")
      }
      if include(source) { kept.append(demo) }
    }
    return kept
  }

  static func buildPool(
    collected: [DemonstrationSet.Demonstration], policy: any GaussianPolicy, environment: any TaskEnvironment,
    params: EmbedParams, seed: Seed
  ) throws -> [PoolTrajectory] {
    var pool = collected.map(PoolTrajectory.init)
    let requests = (0..<environment.taskCount).flatMap { task in
      (0..<params.embed.rolloutsPerTask).map { k in
        EpisodeRequest(task: task, seed: seed.derived("embed/round-\(params.round)/task-\(task)/rollout-\(k)"))
      }
    }
    var controller = PolicyController(policy: policy, environment: environment)
    let episodes = try environment.rollOut(controller: &controller, requests: requests)
    if let failure = controller.failure { throw failure }
    pool += episodes.map {
      PoolTrajectory(
        task: $0.task, source: .rollout, observations: $0.observations.map { Float($0) },
        actions: $0.actions.map { Float($0) }, length: $0.stepCount)
    }
    return pool
  }

  /// Every pool state paired with every task, task-major: row `c·S + offset_i + t` with S = Σ_i T_i.
  struct PoolBatch {
    var taskCount: Int
    var offsets: [Int]
    var stateCount: Int
    /// Shapes: (C·S × observationDimension).
    var observations: Matrix<Float>
    /// Shapes: (C·S × taskFeatureDimension).
    var taskFeatures: Matrix<Float>

    init(pool: [PoolTrajectory], environment: any TaskEnvironment) throws {
      taskCount = environment.taskCount
      var offsets: [Int] = []
      var total = 0
      for trajectory in pool {
        offsets.append(total)
        total += trajectory.length
      }
      self.offsets = offsets
      stateCount = total
      let states = pool.flatMap(\.observations)
      let features = (0..<taskCount).map { environment.taskFeatures(of: $0).map { Float($0) } }
      let width = features[0].count
      observations = try Matrix(
        rows: taskCount * total, columns: environment.observationDimension,
        values: Array((0..<taskCount).map { _ in states }.joined()))
      taskFeatures = try Matrix(
        rows: taskCount * total, columns: width,
        values: features.flatMap { row in Array((0..<total).map { _ in row }.joined()) })
    }

    /// The batch row of pool trajectory i's step t relabelled with task c.
    func row(task: Int, pool: Int, step: Int) -> Int { task * stateCount + offsets[pool] + step }
  }

  /// The policy at every batch row: mean, log σ and kernel inputs φ.
  struct PolicyOutputs {
    var distribution: GaussianBatch
    /// Shapes: (rows × width).
    var phi: Matrix<Float>
    var kind: String
    var space: EmbeddingSpace
  }

  static func evaluate(_ checkpoint: PolicyCheckpoint, batch: PoolBatch, params: EmbedParams, seed: Seed) throws
    -> PolicyOutputs
  {
    let (observations, features) = (batch.observations, batch.taskFeatures)
    switch checkpoint {
    case .mlp, .isolation, .taskIsolation, .adaptivePrior:
      guard let policy = checkpoint.mlpPolicy else { throw StageError.computationFailed(reason: "no MLP policy") }
      var generator = seed.generator("embed/round-\(params.round)/dropout")
      let result = try policy.embeddings(
        kind: params.embed.kind, observations: observations, taskFeatures: features,
        dropout: MCDropout(passes: params.embed.dropoutPasses, rate: params.embed.dropoutRate), using: &generator)
      return PolicyOutputs(
        distribution: GaussianBatch(mean: result.mean, logStd: result.logStd), phi: result.phi,
        kind: params.embed.kind.rawValue, space: .weight)
    case .gp(let policy):
      let distribution = try policy.distribution(observations: observations, taskFeatures: features)
      let inputs = try policy.standardizedInputs(
        observations: try observations.converted(), taskFeatures: try features.converted())
      let phi = try Matrix<Float>(rows: inputs.rows, columns: inputs.columns, values: inputs.storage.map { Float($0) })
      return PolicyOutputs(distribution: distribution, phi: phi, kind: "gp_rbf", space: .function)
    }
  }

  /// Adds every step of `demonstrations` (with its own task) to the conditioning points, embedded like the
  /// pool and scaled by the same normalization (pool index and step −1: outside the pool).
  static func appendConditioning(
    _ demonstrations: [DemonstrationSet.Demonstration], checkpoint: PolicyCheckpoint, environment: any TaskEnvironment,
    params: EmbedParams, seed: Seed, scale: Float, to set: inout EmbeddingSet
  ) throws {
    let pool = demonstrations.map(PoolTrajectory.init)
    let batch = try PoolBatch(pool: pool, environment: environment)
    let outputs = try evaluate(checkpoint, batch: batch, params: params, seed: seed.derived("embed/pretraining"))
    let width = outputs.phi.columns
    for (i, trajectory) in pool.enumerated() {
      for t in 0..<trajectory.length {
        let row = batch.row(task: trajectory.task, pool: i, step: t)
        for k in 0..<width { set.conditioning.phi.append(scale * outputs.phi.storage[row * width + k]) }
        set.conditioning.task.append(trajectory.task)
        set.conditioning.poolIndex.append(-1)
        set.conditioning.step.append(-1)
      }
    }
  }

  static func importanceWeights(pool: [PoolTrajectory], batch: PoolBatch, outputs: PolicyOutputs, params: EmbedParams)
    throws -> ImportanceWeights
  {
    let settings = params.importance
    let tasks = pool.map(\.task)
    guard settings.importanceWeights else { return try ImportanceWeights(uniformOver: tasks, taskCount: batch.taskCount) }
    let fixedVariance = settings.variance == .noise ? settings.ratioNoiseVariance : nil
    var likelihoods = Matrix<Double>(rows: pool.count, columns: batch.taskCount)  // (P × C)
    for (i, trajectory) in pool.enumerated() {
      for c in 0..<batch.taskCount {
        let rows = (0..<trajectory.length).map { batch.row(task: c, pool: i, step: $0) }
        likelihoods[i, c] = outputs.distribution.logLikelihood(
          of: trajectory.actions, rows: rows, fixedVariance: fixedVariance)
      }
    }
    return try ImportanceWeights(
      logLikelihoods: likelihoods, poolTasks: tasks, temperature: settings.temperature, clip: settings.clip,
      targetESS: settings.targetESS)
  }

  static func assemble(
    pool: [PoolTrajectory], batch: PoolBatch, outputs: PolicyOutputs, weights: ImportanceWeights,
    checkpoint: PolicyCheckpoint, setup: PretrainSetup, params: EmbedParams
  ) throws -> EmbeddingSet {
    let plan = setup.plan
    let width = outputs.phi.columns
    func gather(_ labels: [(task: Int, pool: Int, step: Int)], scale: Float) -> EmbeddingSet.Points {
      var phi: [Float] = []
      phi.reserveCapacity(labels.count * width)
      for label in labels {
        let row = batch.row(task: label.task, pool: label.pool, step: label.step)
        for k in 0..<width { phi.append(scale * outputs.phi.storage[row * width + k]) }
      }
      return EmbeddingSet.Points(
        phi: phi, width: width, task: labels.map(\.task), poolIndex: labels.map(\.pool), step: labels.map(\.step))
    }
    let targetLabels = plan.targets.flatMap { c in
      pool.indices.flatMap { i in stride(from: 0, to: pool[i].length, by: params.embed.stride).map { (c, i, $0) } }
    }
    let candidateLabels = plan.candidates.flatMap { c in
      pool.indices.flatMap { i in (0..<pool[i].length).map { (c, i, $0) } }
    }
    let collectedLabels = pool.indices.filter { pool[$0].source.isCollected }.flatMap { i in
      (0..<pool[i].length).map { (pool[i].task, i, $0) }
    }
    var scale: Float = 1
    if outputs.space == .weight {
      let raw = gather(targetLabels, scale: 1)
      let meanSquare = raw.phi.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(raw.count, 1))
      guard meanSquare > 0, meanSquare.isFinite else {
        throw StageError.computationFailed(
          reason: "the \(outputs.kind) embeddings of the target points are all zero or not finite; "
            + "the policy may have collapsed (check its σ) — try embed.kind=last_layer")
      }
      scale = Float(1 / meanSquare.squareRoot())
    }
    var conditioning = gather(collectedLabels, scale: scale)
    var kernel: (Double, Double, Double)?
    if case .gp(let gp) = checkpoint {
      let standardized = gp.standardizedTrainingInputs
      let rows = standardized.rows
      conditioning = EmbeddingSet.Points(
        phi: standardized.storage.map { Float($0) }, width: standardized.columns,
        task: [Int](repeating: -1, count: rows), poolIndex: [Int](repeating: -1, count: rows),
        step: [Int](repeating: -1, count: rows))
      kernel = (gp.lengthscale, gp.signalVariance, gp.noiseVariance)
    }
    let entropyAll = outputs.distribution.entropy
    let entropy = candidateLabels.map { entropyAll[batch.row(task: $0.0, pool: $0.1, step: $0.2)] }
    var collected = [Int](repeating: 0, count: batch.taskCount)
    for trajectory in pool where trajectory.source.isCollected { collected[trajectory.task] += 1 }
    return try EmbeddingSet(
      kind: outputs.kind, space: outputs.space, normalization: Double(scale),
      importanceWeights: params.importance.importanceWeights, round: params.round,
      environmentName: setup.id.rawValue, kernel: kernel, targetWeights: plan.targetWeights, collected: collected,
      poolTask: pool.map(\.task), poolLength: pool.map(\.length), poolSource: pool.map(\.source.description),
      logRatios: weights.logRatios.storage, logWeights: weights.logWeights.storage,
      ess: weights.effectiveSampleSize, ownShare: weights.ownTaskShare, clippedFraction: weights.clippedFraction,
      targets: gather(targetLabels, scale: scale), candidates: gather(candidateLabels, scale: scale),
      conditioning: conditioning, entropy: entropy)
  }
}
