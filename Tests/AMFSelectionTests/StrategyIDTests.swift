import AMFCore
import AMFNumerics
import Testing

@testable import AMFSelection

/// The strategy registry (HOUSE-STYLE §3.4): every `StrategyID` names its strategy, round-trips under its
/// manifest string, and declares the inputs it reads.
@Suite struct StrategyIDTests {
  @Test(arguments: StrategyID.allCases)
  func registryIsConsistent(id: StrategyID) throws {
    #expect(id.strategy.id == id && id.strategy.name == id.rawValue)
    #expect(try CanonicalJSON.decode([StrategyID].self, from: CanonicalJSON.string([id])) == [id])
    #expect(try CanonicalJSON.string([id]) == "[\"\(id.rawValue)\"]")
  }

  @Test func declaredInputs() {
    #expect(StrategyID.reading(.embeddings) == [.amf, .uncertainty])
    #expect(StrategyID.reading(.pretrainingCounts) == [.rebalancing])
    #expect(StrategyID.reading(.collectedCounts) == [.rebalancing])
    #expect(StrategyID.uniform.inputs.isEmpty)
    #expect(SelectionInput.allCases.map(\.rawValue) == ["embeddings", "pretraining", "demonstrations"])
    #expect(SelectionInput.allCases.filter(\.isRequired) == [.embeddings, .pretrainingCounts])
  }

  @Test func unknownStrategySaysDidYouMean() {
    #expect(StrategyID.unknownValueReason("rebalance")
      == "'rebalance' is not one of amf, uncertainty, uniform, rebalancing; did you mean 'rebalancing'?")
    #expect(throws: DecodingError.self) { try CanonicalJSON.decode([StrategyID].self, from: "[\"random\"]") }
  }

  /// Given only the inputs it declares, every strategy selects; a strategy reading embeddings fails without.
  @Test(arguments: StrategyID.allCases)
  func declaredInputsAreWhatItNeeds(id: StrategyID) throws {
    var problem = SelectionProblem(
      taskCount: 3, candidates: [0, 1, 2], targetWeights: [1, 0, 0], batch: 1, round: 1, seed: Seed(2),
      collectedCounts: [0, 0, 0])
    if id.inputs.contains(.pretrainingCounts) { problem.pretrainingCounts = [2, 0, 1] }
    if id.inputs.contains(.embeddings) {
      #expect(throws: SelectionError.missingInput(strategy: id.rawValue, input: "embeddings")) {
        try id.strategy.select(problem)
      }
    } else {
      #expect(try id.strategy.select(problem).selected.count == 1)
    }
  }
}
