import AMFCore
import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline params`: one params file for every stage of an arm, for scripts that run the stages by hand.
public struct ParamsCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "params",
    abstract: "Print the params file of one arm and seed: every stage reads its own keys from it (--params-file).",
    discussion: """
      The union of the arm's stage runs' params, without `round` (a loop passes --param round=R); every \
      stage executable accepts it as --params-file and decodes exactly the params the orchestrator would \
      pass, so artifacts made by hand equal the orchestrator's byte for byte (examples/shell/). Files the \
      arm reads (a recorded expert, `expert.demonstrations`) are inputs, not params: a note on stderr names \
      them and the flag that passes them.
      """)

  @OptionGroup var options: PipelineOptions
  @Option(help: "The arm of a study manifest (a single-arm manifest needs none).") var arm: String?
  @Option(help: "The seed whose runs to take.") var seed: UInt64 = 0

  public init() {}

  public func run() throws {
    do {
      let session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      let document = try ArmParams.document(graph: session.graph, arm: arm, seed: seed)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(document), as: UTF8.self))
      for (role, path) in try ArmParams.files(graph: session.graph, arm: arm).sorted(by: { $0.key < $1.key }) {
        let flag = role == FinetuneStage.recordedRole ? "--demonstrations-from \(path)" : "--input \(role)=\(path)"
        let note = "amf-pipeline params: note: the arm's finetune runs also read the file \(path) (input \(role), "
          + "not a param, so not in this file): pass \(flag) to amf-finetune\n"
        FileHandle.standardError.write(Data(note.utf8))
      }
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline params")
    }
  }
}
