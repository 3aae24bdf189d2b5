import AMFCore
import AMFEnvironments
import AMFPipeline
import AMFStages
import Foundation

/// Everything one `amf-pipeline` command needs, wired from its command line: the plan, its graph,
/// the store, the lock, the hasher and the stage runner.
public struct PipelineSession: Sendable {
  public let manifestURL: URL
  public let plan: Plan
  public let graph: StageGraph
  public let store: Store
  public let lockURL: URL
  /// The lock, read (and checked field by field) when first needed.
  public var lock: LockFile {
    get throws { try LockFile.read(lockURL, manifest: plan.name) }
  }
  public let hasher: any ContentHasher

  /// Loads the manifest at `path` (resolved against the working directory, then `pipelinesFolder`).
  public init(manifest path: String, storeFolder: String, pipelinesFolder: String = "Pipelines") throws {
    guard let url = PlanLoader.resolve(path, pipelinesFolder: URL(fileURLWithPath: pipelinesFolder)) else {
      throw PipelineError.unreadable(
        path: path, reason: "no such manifest in the working directory or in \(pipelinesFolder)/")
    }
    manifestURL = url
    plan = try PlanLoader.load(url, pipelinesFolder: URL(fileURLWithPath: pipelinesFolder))
    graph = try StageGraph(plan.runs)
    store = Store(root: URL(fileURLWithPath: storeFolder))
    lockURL = LockFile.url(forManifest: url)
    hasher = ArtifactContentHasher(store: store)
  }

  /// Stage run names selected by `--force` targets: a stage kind, a run name, or a name prefix.
  public func forcedRuns(_ targets: [String]) throws -> Set<String> {
    var selected = Set<String>()
    for target in targets {
      let matches = graph.order.filter { $0.kind == target || $0.name == target || $0.name.hasPrefix(target + "/") }
      if matches.isEmpty { throw PipelineError.unknownForceTarget(target) }
      selected.formUnion(matches.map(\.name))
    }
    return selected
  }

  /// Every run's state.
  ///
  /// The lock is read and checked even when every output is up to date, so that `status` refuses a
  /// corrupt, truncated, empty or out-of-range lock exactly as `run` and `verify` do, instead of
  /// reporting "up to date" over it.
  public func states(forced: Set<String> = []) throws -> [(name: String, state: RunState)] {
    try Planner(graph: graph, store: store, lock: try lock, hasher: hasher, forced: forced).states()
  }

  /// Whether a stale run among `states` steps Meta-World (its params' `env.name`), so that `run` starts a
  /// bridge server for its stages (`BridgeServer`).
  public func needsMetaWorld(_ states: [(name: String, state: RunState)]) -> Bool {
    states.contains { entry in
      guard case .stale = entry.state, let spec = graph.run(named: entry.name),
        let params = try? JSONSerialization.jsonObject(with: Data(spec.paramsJSON.utf8)) as? [String: Any],
        let env = params["env"] as? [String: Any]
      else { return false }
      return env["name"] as? String == EnvironmentID.metaworld.rawValue
    }
  }

  /// An executor that runs stages through `executable` (default: this very binary, `… stage <kind>`).
  public func executor(stageExecutable: String?, log: @escaping @Sendable (String) -> Void) throws -> Executor {
    let selfPath = BuildInfo.executablePath
    let executable = URL(fileURLWithPath: stageExecutable ?? selfPath)
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
      throw PipelineError.unreadable(path: executable.path, reason: "not an executable stage binary")
    }
    let context = RunContext(executable: executable)
    return Executor(
      graph: graph, store: store, hasher: hasher, runner: SubprocessStageRunner(executable: executable),
      context: context, log: log)
  }
}
