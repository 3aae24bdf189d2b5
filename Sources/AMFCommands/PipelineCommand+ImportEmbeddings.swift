import AMFInterop
import ArgumentParser
import Foundation

/// `amf-pipeline import embeddings FILE --output OUT.h5`: a bring-your-own embeddings file, checked and sealed.
public struct ImportEmbeddingsCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "embeddings", abstract: "Import your own embeddings (docs/BYO-EMBEDDINGS.md) as an embeddings artifact.",
    discussion: """
      The artifact is what amf-select reads: run it with --param task_count=|C|, --param target_weights=[μ…] \
      and --param select.importance_weights=false when the file has no /trajectories/log_weights. Each \
      problem with the file is one line naming the object and the fix (exit 65).
      """)

  @Argument(help: "The embeddings file (HDF5, layout version 1).") var file: String
  @Option(help: "Where to write the embeddings artifact.") var output: String

  public init() {}

  public func run() throws {
    do {
      let hash = try EmbeddingsImport.importFile(URL(fileURLWithPath: file), to: URL(fileURLWithPath: output))
      print("\(output): embeddings, content sha256 \(hash)")
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline import embeddings")
    }
  }
}
