import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

extension DagFormat: ExpressibleByArgument {}

/// `amf-pipeline dag`: the expanded graph of stage runs.
public struct DagCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "dag", abstract: "Print the graph of stage runs (text, Graphviz dot, Mermaid, or the JSON plan).")

  @OptionGroup var options: PipelineOptions
  @Option(help: "text, dot, mermaid or json.") var format: DagFormat = .text

  public init() {}

  public func run() throws {
    do {
      let session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      print(try DagRenderer.render(session.graph, name: session.plan.name, format: format))
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline dag")
    }
  }
}
