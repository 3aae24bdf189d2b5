import Foundation
import Testing

@testable import AMFStages

/// Closed choices written as strings: an unknown value lists the valid ones and suggests the closest.
@Suite struct ManifestChoiceTests {
  @Test func anUnknownMitigationListsEveryValueAndTheClosest() {
    #expect(sectionFailure(FinetuneSettings.self, #"{"mitigation": "adaptive-prior"}"#)
      == "mitigation: 'adaptive-prior' is not one of isolation, adaptive_prior, none, task_isolation; did you mean 'adaptive_prior'?")
  }

  @Test func farOffValuesGetNoSuggestion() throws {
    let failure = try #require(sectionFailure(FinetuneSettings.self, #"{"balance": "zzzzzzzzzz"}"#))
    #expect(failure.hasPrefix("balance: 'zzzzzzzzzz' is not one of steps, tasks"))
    #expect(!failure.contains("did you mean"))
  }

  @Test func importanceVarianceIsAClosedChoice() throws {
    #expect(sectionFailure(ImportanceSettings.self, #"{"is_variance": "predictiv"}"#)
      == "is_variance: 'predictiv' is not one of noise, predictive; did you mean 'predictive'?")
    let predictive = try decodeSection(ImportanceSettings.self, #"{"is_variance": "predictive"}"#)
    #expect(predictive.variance.rawValue == "predictive")
  }

  @Test func choicesDecodeFromTheirRawValues() throws {
    #expect(try decodeSection(Mitigation.self, #""none""#) == .disabled)
    #expect(try decodeSection(Mitigation.self, #""adaptive_prior""#) == .adaptivePrior)
    #expect(try decodeSection(MinibatchBalance.self, #""tasks""#) == .tasks)
    #expect(Mitigation.allCases.map(\.rawValue) == ["isolation", "adaptive_prior", "none", "task_isolation"])
    #expect(MinibatchBalance.allCases.map(\.rawValue) == ["steps", "tasks"])
  }

  @Test func aChoiceMustBeAString() {
    #expect(sectionFailure(Mitigation.self, "3") != nil)
    #expect(sectionFailure(FinetuneSettings.self, #"{"mitigation": null}"#) == nil)
  }
}
