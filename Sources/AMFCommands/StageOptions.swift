import AMFStages
import ArgumentParser

/// The options every stage command shares (PIPELINE.md §1), so `amf-pipeline` builds every stage
/// invocation the same way.
public struct StageOptions: ParsableArguments {
  @Option(name: .customLong("input"), help: ArgumentHelp("An input artifact (repeatable).", valueName: "name=path"))
  public var inputs: [String] = []

  @Option(name: .customLong("param"), help: ArgumentHelp("A parameter (repeatable); overrides --params-file.",
                                                         valueName: "key=value"))
  public var params: [String] = []

  @Option(
    name: .customLong("params-file"),
    help: ArgumentHelp(
      "Parameters as a JSON object (or YAML, named *.yaml): this stage's (what amf-pipeline passes) or a whole arm's "
        + "(amf-pipeline params MANIFEST); keys of other stages are ignored, unknown ones are errors.",
      valueName: "file"))
  public var paramsFile: String?

  @Option(name: .customLong("output"),
          help: ArgumentHelp("Where to write the output (name=path for stages with several).", valueName: "path"))
  public var outputs: [String] = []

  // Parsed unconditionally and checked in `validate`, so that `--seed -1` is refused as a seed below 0
  // (argument-parser would take `-1` for a flag and report "Missing value").
  @Option(name: .customLong("seed"), parsing: .unconditional,
          help: ArgumentHelp("The run seed, 0 … 2^64 − 1; every random draw derives from it.", valueName: "seed"))
  var seedArgument = "0"

  /// The run seed (`--seed`, default 0).
  public var seed: UInt64 { UInt64(seedArgument) ?? 0 }

  @Flag(help: "Print a machine-readable summary on stdout.")
  public var json = false

  public init() {}

  public func validate() throws {
    guard UInt64(seedArgument) != nil else {
      throw ValidationError(
        "--seed must be an integer in 0 … \(UInt64.max), found \(seedArgument)")
    }
    for input in inputs where !input.contains("=") {
      throw ValidationError("--input '\(input)': expected name=path, e.g. --input policy=Artifacts/pi0.h5")
    }
    for param in params where !param.contains("=") {
      throw ValidationError("--param '\(param)': expected key=value, e.g. --param steps=1000")
    }
  }

  /// The invocation for `StageDriver`.
  public var request: StageRequest {
    StageRequest(inputs: inputs, params: params, paramsFile: paramsFile, outputs: outputs, seed: seed)
  }

  /// `--input` arguments as (name, path) pairs, in the order given.
  public var inputPairs: [(name: String, path: String)] {
    inputs.map { argument in
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      return (parts[0], parts.count > 1 ? parts[1] : "")
    }
  }
}
