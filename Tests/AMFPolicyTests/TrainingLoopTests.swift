import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The minibatch sampler, divergence bookkeeping, and one trainer step against its parts.
@Suite struct TrainingLoopTests {
  /// A model that records its batches and returns the scripted loss of each step.
  struct ScriptedModel: MinibatchModel {
    var trainingRowCount: Int
    var scriptedLosses: [Double]
    var finiteAfterwards = true
    var batches: [[Int]] = []
    mutating func step(rows: UnsafeBufferPointer<Int>) -> Double {
      batches.append(Array(rows))
      return scriptedLosses[batches.count - 1]
    }
    func divergenceCause(rows: UnsafeBufferPointer<Int>) -> DivergenceCause { .lossOverflow(learningRate: 0.25) }
    var parametersAreFinite: Bool { finiteAfterwards }
    var learningRate: Double { 0.25 }
  }

  /// Uniform batches are `uniformInt(below: n)` per slot from the loop's own stream, with replacement.
  @Test func uniformBatchesReplayTheStream() throws {
    var loop = MinibatchLoop(batchSize: 4, seed: Seed(6))
    var model = ScriptedModel(trainingRowCount: 7, scriptedLosses: [3, 2, 1])
    try loop.run(&model, steps: 3)
    var replay = Seed(6).generator()
    let expected = (0..<3).map { _ in (0..<4).map { _ in replay.uniformInt(below: 7) } }
    #expect(model.batches == expected)
    #expect(loop.losses == [3, 2, 1] && loop.stepCount == 3)
  }

  /// A NaN loss at step 2 stops the run there: two losses recorded, the error names step 2.
  @Test func nonFiniteLossStopsAtItsStep() {
    var loop = MinibatchLoop(batchSize: 2, seed: Seed(1))
    var model = ScriptedModel(trainingRowCount: 3, scriptedLosses: [1, 0.5, .nan, 0.1])
    #expect {
      try loop.run(&model, steps: 4)
    } throws: { error in
      guard case PolicyError.diverged(let step, let loss, let cause) = error else { return false }
      return step == 2 && loss.isNaN && cause == .lossOverflow(learningRate: 0.25)
    }
    #expect(loop.losses == [1, 0.5] && loop.stepCount == 2 && model.batches.count == 3)
  }

  /// Finite losses but non-finite parameters after the last update: the last step is blamed on the rate.
  @Test func brokenParametersAfterTheLastStepAreDivergence() {
    var loop = MinibatchLoop(batchSize: 1, seed: Seed(1))
    var model = ScriptedModel(trainingRowCount: 3, scriptedLosses: [4, 5], finiteAfterwards: false)
    #expect(throws: PolicyError.diverged(step: 1, loss: 5, cause: .nonFiniteParameters(learningRate: 0.25))) {
      try loop.run(&model, steps: 2)
    }
    #expect(throws: PolicyError.invalidParameter(name: "steps", reason: "must be ≥ 0, got -1")) {
      var fresh = MinibatchLoop(batchSize: 1, seed: Seed(1))
      var finite = ScriptedModel(trainingRowCount: 3, scriptedLosses: [])
      try fresh.run(&finite, steps: -1)
    }
    #expect(throws: PolicyError.emptyTrainingData) {
      var fresh = MinibatchLoop(batchSize: 1, seed: Seed(1))
      var empty = ScriptedModel(trainingRowCount: 0, scriptedLosses: [])
      try fresh.run(&empty, steps: 1)
    }
  }

  @Test func firstNonFiniteRowLooksAtEveryMatrix() {
    let inputs = Matrix<Double>([[0, 1], [2, 3], [4, 5]])
    let actions = Matrix<Double>([[0], [.infinity], [.nan]])
    let rows = [0, 2, 1]
    let found = rows.withUnsafeBufferPointer { MinibatchLoop.firstNonFiniteRow($0, in: [inputs, actions]) }
    #expect(found == 2)
    let clean = [0].withUnsafeBufferPointer { MinibatchLoop.firstNonFiniteRow($0, in: [inputs, actions]) }
    #expect(clean == nil)
  }

  @Test func dataAndSettingsAreValidated() throws {
    #expect(throws: PolicyError.shapeMismatch(what: "actions", expected: "3×2", found: "2×2")) {
      try BehaviorCloningData<Float>(observations: Matrix(rows: 3, columns: 1), taskFeatures: Matrix(rows: 3, columns: 1),
                                     actions: Matrix(rows: 2, columns: 2))
    }
    let architecture = MLPArchitecture(observationDimension: 1, taskFeatureDimension: 1, actionDimension: 2, hiddenWidths: [3])
    let policy = MLPPolicy<Double>(network: MLPNetwork(architecture: architecture, seed: Seed(1)),
                                   normalizer: .identity(dimension: 1))
    let empty = try BehaviorCloningData<Double>(
      observations: Matrix(rows: 0, columns: 1), taskFeatures: Matrix(rows: 0, columns: 1), actions: Matrix(rows: 0, columns: 2))
    #expect(throws: PolicyError.emptyTrainingData) { try BehaviorCloningTrainer(initial: policy, data: empty, seed: Seed(1)) }
    let one = try BehaviorCloningData<Double>(
      observations: Matrix([[1]]), taskFeatures: Matrix([[0]]), actions: Matrix([[0, 0]]))
    #expect(throws: PolicyError.invalidParameter(name: "batch_size", reason: "must be positive")) {
      try BehaviorCloningTrainer(initial: policy, data: one, settings: BehaviorCloningSettings(batchSize: 0), seed: Seed(1))
    }
    #expect(throws: PolicyError.invalidParameter(name: "learning_rate", reason: "must be positive and finite")) {
      try BehaviorCloningTrainer(
        initial: policy, data: one, settings: BehaviorCloningSettings(learningRate: .infinity), seed: Seed(1))
    }
  }

  /// One trainer step equals, bit for bit, the step composed from its parts: the batch rows from
  /// `seed.derived("batches")`, standardized inputs, forward, NLL, backward and one Adam update.
  @Test func oneTrainerStepIsForwardNLLBackwardAdam() throws {
    let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2, hiddenWidths: [5])
    let observations: Matrix<Double> = MLPFixtures.random(9, 2, scale: 3, seed: 1)
    let features: Matrix<Double> = MLPFixtures.random(9, 1, seed: 2)
    let actions: Matrix<Double> = MLPFixtures.random(9, 2, seed: 3)
    let data = try BehaviorCloningData(observations: observations, taskFeatures: features, actions: actions)
    let initial = MLPPolicy(architecture: architecture, fittingNormalizerTo: observations, seed: Seed(4))
    let settings = BehaviorCloningSettings(batchSize: 4, learningRate: 0.01)
    var trainer = try BehaviorCloningTrainer(initial: initial, data: data, settings: settings, seed: Seed(5))
    try trainer.train(steps: 1)

    var sampler = Seed(5).derived("batches").generator()
    let rows = (0..<4).map { _ in sampler.uniformInt(below: 9) }
    let inputs = try initial.normalizer.networkInput(observations: observations, taskFeatures: features)
    let workspace = MLPWorkspace<Double>(architecture: architecture, batchSize: 4)
    workspace.setInput(Matrix(rows.map { inputs.row($0) }))
    var network = initial.network
    network.forward(in: workspace)
    let loss = GaussianNLL.loss(output: workspace.output, actions: Matrix(rows.map { actions.row($0) }),
                                logStdMin: -5, logStdMax: 1, gradient: &workspace.deltas[2])
    network.backward(in: workspace)
    var adam = AdamOptimizer(for: network.layers, learningRate: 0.01)
    adam.update(&network.layers, gradients: workspace.gradients)
    #expect(trainer.losses == [loss])
    #expect(trainer.network == network)
    #expect(trainer.optimizer.stepCount == 1 && trainer.normalizer == initial.normalizer)
  }

  /// Isolation's tasks with data are the distinct feature rows of the data, first seen first; a feature width
  /// that differs from the stored one matches no task.
  @Test func isolationCollectsDistinctTasks() throws {
    let architecture = MLPArchitecture(observationDimension: 1, taskFeatureDimension: 1, actionDimension: 1, hiddenWidths: [2])
    let prior = MLPPolicy<Float>(network: MLPNetwork(architecture: architecture, seed: Seed(1)),
                                 normalizer: .identity(dimension: 1))
    let data = try BehaviorCloningData<Float>(
      observations: Matrix([[0], [1], [2], [3]]), taskFeatures: Matrix([[1], [-1], [1], [0.5]]),
      actions: Matrix([[0], [0], [0], [0]]))
    let policy = try IsolatedMLPPolicy.fineTuning(prior, on: data, steps: 0, seed: Seed(2))
    #expect(policy.tasksWithData == Matrix([[1], [-1], [0.5]]))
    #expect(policy.fineTuned == prior)
    #expect(policy.hasData(taskFeatures: Matrix([[0.5], [2]])) == [true, false])
    #expect(policy.hasData(taskFeatures: Matrix([[1, 1]])) == [false])
  }
}
