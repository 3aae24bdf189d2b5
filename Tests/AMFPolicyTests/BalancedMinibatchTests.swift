import AMFCore
import AMFNumerics
import Foundation
import Testing

@testable import AMFPolicy

/// Balanced minibatches (`finetune.balance: tasks`, issue #16 H5): each slot draws a group uniformly, then a
/// row in it, so a group's share of the batch does not follow its size.
@Suite struct BalancedMinibatchTests {
  /// A model that records the rows it is handed and never diverges.
  struct RecordingModel: MinibatchModel {
    var trainingRowCount: Int
    var drawn: [Int] = []
    mutating func step(rows: UnsafeBufferPointer<Int>) -> Double {
      drawn += rows
      return 0
    }
    func divergenceCause(rows: UnsafeBufferPointer<Int>) -> DivergenceCause { .nonFiniteParameters(learningRate: 0) }
    var parametersAreFinite: Bool { true }
    var learningRate: Double { 0 }
  }

  /// Groups of 1 and 99 rows: balanced, row 0 fills half of 100 × 256 slots (binomial sd 0.0031; bound
  /// 0.02 ≈ 6 sd); unbalanced, 1% (sd 0.0006; bound 0.005). Rows outside the groups are never drawn, and
  /// the draws are a function of the seed.
  @Test func groupsAreEquallyRepresentedWhateverTheirSize() throws {
    let groups = [[0], Array(1..<100)]
    var balanced = MinibatchLoop(batchSize: 256, seed: Seed(3), groups: groups)
    var model = RecordingModel(trainingRowCount: 120)
    try balanced.run(&model, steps: 100)
    let share = Double(model.drawn.filter { $0 == 0 }.count) / Double(model.drawn.count)
    #expect(abs(share - 0.5) < 0.02, "share \(share)")
    #expect(model.drawn.allSatisfy { $0 < 100 })
    var again = MinibatchLoop(batchSize: 256, seed: Seed(3), groups: groups)
    var replay = RecordingModel(trainingRowCount: 120)
    try again.run(&replay, steps: 100)
    #expect(replay.drawn == model.drawn)
    var plain = MinibatchLoop(batchSize: 256, seed: Seed(3))
    var uniform = RecordingModel(trainingRowCount: 100)
    try plain.run(&uniform, steps: 100)
    let plainShare = Double(uniform.drawn.filter { $0 == 0 }.count) / Double(uniform.drawn.count)
    #expect(abs(plainShare - 0.01) < 0.005, "share \(plainShare)")
  }

  @Test func badGroupsAreRejected() throws {
    let data = try BehaviorCloningTests.linearGaussian(rows: 10, seed: 1)
    let policy = MLPPolicy<Float>(
      architecture: BehaviorCloningTests.architecture, fittingNormalizerTo: data.observations, seed: Seed(2))
    for groups in [[], [[0, 1], []], [[0, 10]]] as [[[Int]]] {
      #expect(throws: PolicyError.self) {
        try BehaviorCloningTrainer(initial: policy, data: data, seed: Seed(4), rowGroups: groups)
      }
    }
  }
}
