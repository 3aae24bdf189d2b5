import AMFArtifacts
import AMFCore
import AMFNumerics
import Foundation

/// One stage's computation: typed params in, artifact contents out (HOUSE-STYLE §3.5).
///
/// Everything around it (params, inputs, seed, BLAS threads, provenance, atomic writes) is `StageDriver`'s.
public protocol Stage {
  /// The params; decoding must reject unknown keys and fill defaults (the canonical JSON is their identity).
  associatedtype Params: Codable & Sendable

  /// Which stage this is.
  static var kind: StageKind { get }
  /// The params `--help` lists, each key with its default.
  static var defaultParams: Params { get }
  /// Further params whose keys `--help` lists under a condition, e.g. `("pretrain.policy=gp", …)`.
  static var parameterVariants: [(condition: String, params: Params)] { get }

  /// Computes the outputs, one per role of `kind.outputRoles`.
  static func run(_ inputs: StageInputs, params: Params, context: StageContext) throws -> [StageOutput]
}

/// A stage invocation as the command line gives it (PIPELINE.md §1), before anything is read.
public struct StageRequest: Sendable {
  /// `--input role=path`, in order.
  public var inputs: [String]
  /// `--param key=value`, in order (later ones win).
  public var params: [String]
  /// `--params-file`.
  public var paramsFile: String?
  /// `--output path` (single-output stages) or `--output role=path`.
  public var outputs: [String]
  /// `--seed`.
  public var seed: UInt64

  /// Creates a request.
  public init(
    inputs: [String] = [], params: [String] = [], paramsFile: String? = nil, outputs: [String] = [], seed: UInt64 = 0
  ) {
    self.inputs = inputs
    self.params = params
    self.paramsFile = paramsFile
    self.outputs = outputs
    self.seed = seed
  }
}

/// What a finished stage run wrote: the `--json` summary.
public struct StageSummary: Codable, Sendable {
  /// One written output.
  public struct Output: Codable, Sendable {
    /// Where it was written.
    public var path: String
    /// Its artifact kind.
    public var kind: String
    /// Its content hash.
    public var contentSHA256: String

    enum CodingKeys: String, CodingKey { case path, kind, contentSHA256 = "content_sha256" }
  }

  /// The stage name.
  public var stage: String
  /// The run seed.
  public var seed: UInt64
  /// Canonical JSON of the resolved params.
  public var params: String
  /// Role → output.
  public var outputs: [String: Output]
  /// Wall-clock seconds, reading inputs to the last rename.
  public var seconds: Double

  /// The summary as one line of canonical JSON.
  public func jsonText() throws -> String { try CanonicalJSON.string(self) }
}

/// The one runner of every stage (HOUSE-STYLE §3.5): decode params strictly, read and check inputs, pin
/// BLAS to one thread, run, then write every output with provenance, atomically.
///
/// A failure at any point leaves no file at any output: the outputs are written only once all are
/// computed, each through a temporary file and a rename, and those already written are removed if a
/// later one fails.
public enum StageDriver {
  /// Runs `stage` for `request`; `progress` gets the stage's progress lines.
  public static func execute<S: Stage>(_ stage: S.Type, request: StageRequest, progress: StageProgress = .silent)
    throws -> StageSummary
  {
    let kind = S.kind
    let outputs = try outputPaths(request.outputs, roles: kind.outputRoles)
    try refuseOutputsOverInputs(outputs, inputs: request.inputs, roles: kind.outputRoles)
    let (params, canonical) = try resolveParams(stage, request: request)
    let inputs = try readInputs(request.inputs, kind: kind)
    BLASRuntime.setThreadCount(1)
    let context = StageContext(seed: Seed(request.seed), progress: progress)
    let produced = try S.run(inputs, params: params, context: context)
    let provenance = Provenance(
      stage: kind.rawValue, stageVersion: kind.algorithmVersion, paramsJSON: canonical, inputs: inputs.hashes,
      seed: request.seed)
    let artifacts = try outputs.map { role, url in
      guard let output = produced.first(where: { $0.role == role }) else {
        throw StageError.computationFailed(reason: "the \(kind.rawValue) stage produced no '\(role)' output")
      }
      return (role, url, Artifact(kind: output.kind, provenance: provenance, content: output.content), output.files)
    }
    var written: [String: StageSummary.Output] = [:]
    var sidecars: [URL] = []
    do {
      for (role, url, artifact, files) in artifacts {
        // The sidecar folder first: an artifact at the output then always has its folder.
        if !files.isEmpty {
          sidecars.append(SidecarFolder.url(for: url))
          try SidecarFolder.write(files, to: SidecarFolder.url(for: url))
        }
        let hash = try ArtifactFile.write(artifact, to: url)
        written[role] = StageSummary.Output(path: url.path, kind: artifact.kind.rawValue, contentSHA256: hash)
      }
    } catch {
      for output in written.values { try? FileManager.default.removeItem(atPath: output.path) }
      for folder in sidecars { SidecarFolder.remove(folder) }
      throw error
    }
    progress.log("wrote " + written.keys.sorted().map { "\($0) \(written[$0]?.path ?? "")" }.joined(separator: ", "))
    return StageSummary(
      stage: kind.rawValue, seed: request.seed, params: canonical, outputs: written, seconds: progress.elapsedSeconds)
  }

  /// The stage's params from `request` (file, then overrides), decoded strictly, with their canonical JSON.
  public static func resolveParams<S: Stage>(_: S.Type, request: StageRequest) throws
    -> (params: S.Params, canonical: String)
  {
    var fileText: String?
    if let path = request.paramsFile {
      do {
        fileText = try String(contentsOfFile: path, encoding: .utf8)
      } catch {
        throw StageError.unreadableParamsFile(path: path, reason: "cannot be read (\(error.localizedDescription))")
      }
    }
    if request.params.contains(where: { $0.hasPrefix("importance.") }) {
      FileHandle.standardError.write(Data(
        "\(S.kind.executableName): --param importance.* is deprecated; write select.* (the same key as in manifests)\n".utf8))
    }
    let document = try ParamsResolver.merged(
      fileText: fileText, filePath: request.paramsFile ?? "", overrides: request.params)
    return try ParamsResolver.decode(S.Params.self, from: try PipelineParams.project(document, for: S.kind))
  }

  /// `--output` arguments as (role, file) pairs in `roles` order.
  ///
  /// A single-output stage takes `--output PATH` (or `ROLE=PATH`); a multi-output one needs every role
  /// exactly once as `ROLE=PATH`.
  static func outputPaths(_ arguments: [String], roles: [String]) throws -> [(role: String, url: URL)] {
    if roles.count == 1, arguments.count == 1, let role = roles.first, let argument = arguments.first {
      let path = argument.hasPrefix("\(role)=") ? String(argument.dropFirst(role.count + 1)) : argument
      return [(role, URL(fileURLWithPath: path))]
    }
    var paths: [String: String] = [:]
    for argument in arguments {
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, roles.contains(parts[0]), !parts[1].isEmpty else {
        throw StageError.invalidOutputs(reason: "'\(argument)' names no output of this stage", roles: roles)
      }
      guard paths[parts[0]] == nil else {
        throw StageError.invalidOutputs(reason: "\(parts[0]) is given twice", roles: roles)
      }
      paths[parts[0]] = parts[1]
    }
    let missing = roles.filter { paths[$0] == nil }
    guard missing.isEmpty else {
      throw StageError.invalidOutputs(reason: "missing \(missing.joined(separator: ", "))", roles: roles)
    }
    let resolved = roles.map { (role: $0, url: URL(fileURLWithPath: paths[$0] ?? "")) }
    guard Set(resolved.map(\.url.standardizedFileURL.path)).count == resolved.count else {
      throw StageError.invalidOutputs(reason: "two outputs share one path", roles: roles)
    }
    return resolved
  }

  /// Throws `invalidOutputs` when an output is one of the inputs: the same path once symlinks are
  /// resolved, or the same file (device and inode, so hard links count too). Writing it would replace the
  /// input with the result computed from it.
  static func refuseOutputsOverInputs(_ outputs: [(role: String, url: URL)], inputs: [String], roles: [String]) throws {
    func identity(_ path: String) -> (dev_t, ino_t)? {
      var status = stat()
      return stat(path, &status) == 0 ? (status.st_dev, status.st_ino) : nil
    }
    func resolved(_ url: URL) -> String {
      url.deletingLastPathComponent().resolvingSymlinksInPath()
        .appendingPathComponent(url.lastPathComponent).resolvingSymlinksInPath().standardizedFileURL.path
    }
    for argument in inputs {
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[1].isEmpty else { continue }
      let input = URL(fileURLWithPath: parts[1])
      let inputIdentity = identity(input.path)
      for output in outputs {
        var sameFile = false
        if let inputIdentity, let outputIdentity = identity(output.url.path) { sameFile = inputIdentity == outputIdentity }
        guard sameFile || resolved(output.url) == resolved(input) else { continue }
        throw StageError.invalidOutputs(
          reason: "\(output.url.path) is also --input \(parts[0]); writing it would replace that input with the "
            + "result computed from it, so choose another output path", roles: roles)
      }
    }
  }

  /// Reads every `--input role=path`, checking the role is one `kind` reads and the artifact its kind.
  static func readInputs(_ arguments: [String], kind: StageKind) throws -> StageInputs {
    var inputs = StageInputs()
    let declared = kind.inputs
    for argument in arguments {
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[1].isEmpty else {
        throw StageError.malformedArgument(option: "--input", value: argument, expected: "role=path")
      }
      let role = parts[0]
      guard let entry = declared.first(where: { role == $0.role || role.hasPrefix("\($0.role)/") }) else {
        throw StageError.unknownInput(role: role, valid: declared.map(\.role))
      }
      guard inputs.artifacts[role] == nil else {
        throw StageError.malformedArgument(option: "--input", value: argument, expected: "each role once")
      }
      let artifact = try ArtifactFile.read(URL(fileURLWithPath: parts[1]), expecting: entry.kind)
      inputs.artifacts[role] = artifact
      inputs.hashes[role] = try artifact.contentHash()
      inputs.paths[role] = parts[1]
    }
    return inputs
  }

  /// The `--help` text of `stage`'s parameters: every key with its default, then each variant's extra or
  /// changed keys under its condition.
  public static func parameterHelp<S: Stage>(_: S.Type) -> String {
    // The embed stage records its importance settings as `importance.*`; users write them as `select.*`.
    func named(_ lines: [(key: String, value: String)]) -> [(key: String, value: String)] {
      lines.map { ($0.key.hasPrefix("importance.") ? "select." + $0.key.dropFirst("importance.".count) : $0.key, $0.value) }
    }
    guard let defaults = (try? ParamsResolver.flattened(S.defaultParams)).map(named) else { return "" }
    let variants = S.parameterVariants.compactMap { variant in
      (try? ParamsResolver.flattened(variant.params)).map { (variant.condition, named($0)) }
    }
    let keys = defaults.map(\.key) + variants.flatMap { $0.1.map(\.key) }
    let width = min(40, (keys.map(\.count).max() ?? 0) + 2)
    func format(_ lines: [(key: String, value: String)]) -> String {
      lines.map { line in
        "  " + line.key.padding(toLength: max(width, line.key.count + 1), withPad: " ", startingAt: 0) + line.value
          + (ParameterMeanings.meaning(of: line.key).map { "\n      \($0)" } ?? "")
      }
      .joined(separator: "\n")
    }
    var text = "Parameters (--param KEY=VALUE, or a JSON --params-file; defaults shown):\n" + format(defaults)
    let known = Dictionary(defaults.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    for (condition, lines) in variants {
      let changed = lines.filter { known[$0.key] != $0.value && !condition.hasPrefix("\($0.key)=") }
      if !changed.isEmpty { text += "\nWith \(condition):\n" + format(changed) }
    }
    let choices = ParameterChoices.choices(forKeys: keys)
    if !choices.isEmpty { text += "\nAllowed values:\n" + ParameterChoices.text(choices) }
    return text
  }
}
