import AMFArtifacts
import AMFReport
import AMFCore
import Foundation
import Synchronization
import Testing

@testable import AMFStages

/// What a stage's computation sees besides its params: inputs by role, progress lines, error texts.
@Suite struct StageContextTests {
  /// Lines handed to a collecting progress log.
  final class Lines: Sendable {
    let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
  }

  /// `line` with its `[12.3s] ` elapsed-time field removed.
  func timeless(_ line: String) -> String {
    line.replacingOccurrences(of: #"\[[0-9]+\.[0-9]s\] "#, with: "", options: .regularExpression)
  }

  @Test func progressLinesCarryLabelTimeAndPercent() {
    let lines = Lines()
    let progress = StageProgress.collecting(label: "amf-embed") { lines.append($0) }
    progress.log("read 3 inputs")
    progress.update("rollouts", step: 1, of: 4)
    progress.update("rollouts", step: 4, of: 4, detail: "done")
    progress.update("nothing", step: 0, of: 0)
    #expect(lines.all.map(timeless) == [
      "amf-embed: read 3 inputs\n", "amf-embed: rollouts 1/4 (25%)\n", "amf-embed: rollouts 4/4 (100%) done\n",
      "amf-embed: nothing 0/0 (100%)\n",
    ])
    #expect(lines.all.allSatisfy { $0.hasPrefix("amf-embed: [") })
    #expect(!progress.inPlace && progress.label == "amf-embed" && progress.elapsedSeconds >= 0)
  }

  @Test func silentProgressReportsNothing() {
    let progress = StageProgress.silent
    progress.log("ignored")
    progress.update("ignored", step: 1, of: 2)
    #expect(progress.label == "" && !progress.inPlace)
  }

  @Test func inputsNameTheirFileOrTheirOption() throws {
    let artifact = Artifact(kind: .policy, provenance: Provenance(stage: "pretrain", stageVersion: 1), content: ArtifactGroup())
    let inputs = StageInputs(artifacts: ["policy": artifact], hashes: ["policy": "ab"], paths: ["policy": "/s/p.h5"])
    #expect(inputs.path("policy") == "/s/p.h5" && inputs.path("demonstrations") == "--input demonstrations")
    #expect(try inputs.required("policy").kind == .policy)
    #expect(throws: StageError.missingInput(role: "selection")) { try inputs.required("selection") }
    let context = StageContext(seed: Seed(5))
    #expect(context.seed == Seed(5) && context.progress.label == "")
  }

  @Test func stageErrorsSayWhatToDo() {
    #expect(StageError.missingInput(role: "policy").description
      == "--input policy=PATH is required; see --help for what it must be")
    #expect(StageError.unknownInput(role: "x", valid: []).description
      == "--input x=…: this stage reads no input 'x'; it takes no inputs")
    #expect(StageError.unknownInput(role: "x", valid: ["policy", "demonstrations"]).description
      == "--input x=…: this stage reads no input 'x'; valid inputs: policy, demonstrations")
    #expect(StageError.invalidOutputs(reason: "role y given twice", roles: ["a", "b"]).description
      == "--output: role y given twice; give --output a=PATH --output b=PATH")
    #expect(StageError.invalidOutputs(reason: "missing", roles: ["report"]).description == "--output: missing; give --output PATH")
    #expect(StageError.invalidParameter(path: "", reason: "bad").description
      == "parameter (top level): bad; see --help for every parameter and its default")
    #expect(StageError.inconsistentInput(role: "evaluation/a", reason: "other env").description
      == "--input evaluation/a: other env; every input of one run must come from one study")
  }

  @Test func usageErrorsAreTheCommandLinesFault() {
    #expect(StageError.missingInput(role: "p").isUsageError && StageError.inputLayout(role: "r", reason: "").isUsageError)
    #expect(!StageError.invalidParameter(path: "a", reason: "").isUsageError)
    #expect(!StageError.inconsistentInput(role: "r", reason: "").isUsageError)
    #expect(!StageError.computationFailed(reason: "nan").isUsageError)
  }

  @Test func reportErrorsBecomeStageErrorsWithTheSameText() throws {
    let amf = ArmEvaluationsFixture.arm("amf", seeds: [0])
    let other = ArmEvaluationsFixture.arm("uniform", seeds: [1])
    #expect(throws: StageError.inconsistentInput(
      role: "evaluation/uniform", reason: "arm uniform shares no seed with amf; pair the arms")
    ) { try ReportInputs.summary(of: [try amf(), try other()], settings: .init(), seed: Seed(0)) }
  }
}

/// One-round arms for `ReportInputs.summary`.
enum ArmEvaluationsFixture {
  static func arm(_ name: String, seeds: [Int]) -> () throws -> ArmEvaluations {
    {
      let record = { (round: Int, demos: [Int]) in
        try EvaluationRecord(
          environmentName: "integrator2d", round: round, targetWeights: [1], episodeSuccess: [[true]],
          episodeReturns: [[0]], demosPerTask: demos)
      }
      return ArmEvaluations(
        arm: .init(name: name, seeds: seeds, budget: Budget(demos: 2, batch: 2)),
        records: try seeds.map { _ in [try record(0, [0]), try record(1, [2])] })
    }
  }
}
