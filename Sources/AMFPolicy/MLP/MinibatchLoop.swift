import AMFCore
import AMFNumerics

/// A model trained by mini-batch steps on rows of a fixed training set.
protocol MinibatchModel {
  /// Number of training rows the sampler draws from.
  var trainingRowCount: Int { get }
  /// Computes the loss on `rows` and, only if it is finite, takes one optimizer step. Returns the loss.
  mutating func step(rows: UnsafeBufferPointer<Int>) -> Double
  /// Why the loss on `rows` was not finite.
  func divergenceCause(rows: UnsafeBufferPointer<Int>) -> DivergenceCause
  /// Whether every trainable parameter is finite.
  var parametersAreFinite: Bool { get }
  /// The optimizer's learning rate, for error messages.
  var learningRate: Double { get }
}

/// The seeded sampler and bookkeeping shared by every behaviour-cloning trainer.
///
/// Each step draws `batchSize` row indices uniformly **with replacement** from the stream it was given
/// (`uniformInt(below:)` on SplitMix64), so the batches depend on the seed and the step only.
struct MinibatchLoop: Sendable {
  let batchSize: Int
  private(set) var sampler: SplitMix64
  private var indices: [Int]
  /// Steps taken so far (the next step's 0-based index).
  private(set) var stepCount = 0
  /// The loss of every step taken, before its update.
  private(set) var losses: [Double] = []

  /// Row groups for balanced batches (nil: rows uniformly). With groups, each slot draws a group uniformly,
  /// then a row of that group uniformly (two draws per slot), so every group is equally represented in
  /// expectation whatever its size. No group may be empty (`BehaviorCloningTrainer` checks).
  let groups: [[Int]]?

  init(batchSize: Int, seed: Seed, groups: [[Int]]? = nil) {
    self.batchSize = batchSize
    sampler = seed.generator()
    indices = [Int](repeating: 0, count: batchSize)
    self.groups = groups
  }

  /// Runs `steps` steps; throws at the first non-finite loss, leaving the model as before that step.
  mutating func run<Model: MinibatchModel>(_ model: inout Model, steps: Int) throws(PolicyError) {
    let rowCount = model.trainingRowCount
    guard rowCount > 0 else { throw PolicyError.emptyTrainingData }
    guard steps >= 0 else { throw PolicyError.invalidParameter(name: "steps", reason: "must be ≥ 0, got \(steps)") }
    losses.reserveCapacity(losses.count + steps)  // appends below never reallocate
    for _ in 0..<steps {
      if let groups {
        for slot in 0..<batchSize {
          let group = groups[sampler.uniformInt(below: groups.count)]
          indices[slot] = group[sampler.uniformInt(below: group.count)]
        }
      } else {
        for slot in 0..<batchSize { indices[slot] = sampler.uniformInt(below: rowCount) }
      }
      let (loss, cause): (Double, DivergenceCause?) = indices.withUnsafeBufferPointer { rows in
        let loss = model.step(rows: rows)
        return (loss, loss.isFinite ? nil : model.divergenceCause(rows: rows))
      }
      if let cause { throw PolicyError.diverged(step: stepCount, loss: loss, cause: cause) }
      losses.append(loss)
      stepCount += 1
    }
    // The last update can overflow with a finite loss before it; never hand back a broken network.
    if steps > 0, !model.parametersAreFinite {
      throw PolicyError.diverged(step: stepCount - 1, loss: losses[losses.count - 1],
                                 cause: .nonFiniteParameters(learningRate: model.learningRate))
    }
  }

  /// The first non-finite row among `rows` of `matrices`, if any.
  static func firstNonFiniteRow<Scalar: MLPScalar>(
    _ rows: UnsafeBufferPointer<Int>, in matrices: [Matrix<Scalar>]
  ) -> Int? {
    rows.first { row in
      matrices.contains { matrix in
        (0..<matrix.columns).contains { !matrix.storage[row * matrix.columns + $0].isFinite }
      }
    }
  }
}
