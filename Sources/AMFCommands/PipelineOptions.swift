import ArgumentParser

/// The options every manifest-reading `amf-pipeline` subcommand shares.
public struct PipelineOptions: ParsableArguments {
  @Argument(help: "The manifest (YAML) or plan (.plan.json); relative paths are tried in ., then Pipelines/.")
  public var manifest: String

  @Option(help: "The content-addressed store.")
  public var store = "Artifacts/store"

  public init() {}
}
