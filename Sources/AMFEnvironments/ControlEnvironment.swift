import AMFCore

/// A multi-task environment as the stages see it: task features, sizes, the expert's noise, and rollouts
/// (AMF.md §3).
///
/// Two kinds conform: in-process `ControlEnvironment`s, whose rollouts step flat state rows
/// (`Rollout.run`), and `MetaWorld`, whose rollouts run in a Python child (`MetaWorldBridge`). Rollouts
/// throw only for the latter (the child can die or time out).
///
/// Conforming types are registered in `EnvironmentID` (HOUSE-STYLE §3.4).
public protocol TaskEnvironment: Sendable {
  /// The registry entry of this environment.
  static var id: EnvironmentID { get }

  /// The number of tasks |C| the environment has when built with `goals` (nil: its default), without
  /// building it: what manifests size selection by.
  static func taskCount(goals: Int?) -> Int

  /// The fixed standardization of the policy inputs `[s, f(c)]` (a GP policy's kernel inputs).
  static var inputStandardization: InputStandardization { get }

  /// The hidden-layer widths of an MLP policy here by default (AMF.md §5: 64 × 64; larger where the tasks need it).
  static var defaultHiddenWidths: [Int] { get }

  /// Builds the environment from its options; throws `EnvironmentError` on an option it does not take.
  init(_ configuration: EnvironmentConfiguration) throws

  /// The number of tasks |C|.
  var taskCount: Int { get }
  /// Steps per episode H (the most an episode takes).
  var horizon: Int { get }
  /// Length of a state row (what an `Episode` records in `states`).
  var stateDimension: Int { get }
  /// Length of an observation row (what a policy sees besides f(c)).
  var observationDimension: Int { get }
  /// Length of an action row.
  var actionDimension: Int { get }
  /// Length of the task feature vector f(c).
  var taskFeatureDimension: Int { get }
  /// The expert's action-noise standard deviation per task, overrides applied. Shapes: `taskCount`.
  var expertNoiseStd: [Double] { get }
  /// The expert noise std of the `targeted` scenario's distractor tasks (AMF.md §4); nil when the
  /// scenario is not defined for this environment.
  var distractorExpertNoiseStd: Double? { get }

  /// The task features f(c). Shapes: `taskFeatureDimension`.
  func taskFeatures(of task: Int) -> [Double]

  /// The planar point of a state row (the point, the fingertip, the effector, the gripper): for plots.
  func position(of state: UnsafeBufferPointer<Double>) -> (x: Double, y: Double)

  /// Rolls `controller` out for every request, for at most `horizon` steps (default: H); episode i
  /// depends only on request i (`EpisodeRequest`).
  func rollOut(controller: inout some Controller, requests: [EpisodeRequest], horizon: Int?) throws -> [Episode]

  /// Rolls the scripted expert, with its per-task noise, out for every request.
  func expertEpisodes(requests: [EpisodeRequest], horizon: Int?) throws -> [Episode]
}

extension TaskEnvironment {
  /// 64 × 64 (AMF.md §5).
  public static var defaultHiddenWidths: [Int] { [64, 64] }
}

/// An in-process multi-task control environment with a scripted expert and a success test (AMF.md §3).
///
/// An environment is a value: its stored properties are its constants. Every function is deterministic;
/// the only randomness is the initial state, drawn from a generator the caller passes. States,
/// observations and actions are rows of flat `Double` buffers so that `EnvironmentBatch` can step many
/// episodes in place without allocating: the single-row functions below read and write one row each.
///
/// Conventions shared by every environment:
/// * `step` clips the action to the action set itself; `clipAction` gives that executed action, which
///   a rollout records instead of the raw one when `recordsExecutedAction` is true.
/// * The reward of a step is computed on the state after it; an episode's return is −Σ_t distance
///   (the environment's "position − goal", AMF.md §3).
/// * `expertAction` is the expert's noise-free action; the expert adds `N(0, expertNoiseStd[c]² I)`
///   (`ScriptedExpert`).
///
/// Conforming types live in `Environments/`, one file each with its expert, and are registered in
/// `EnvironmentID` (HOUSE-STYLE §3.4).
public protocol ControlEnvironment: TaskEnvironment {
  /// Whether demonstrations record the executed (clipped) action rather than the commanded one.
  var recordsExecutedAction: Bool { get }

  /// Writes an initial state for `task` into `state` (one row), drawing from `rng`.
  func initialState(
    task: Int, into state: UnsafeMutableBufferPointer<Double>, using rng: inout some RandomNumberGenerator)

  /// Writes the observation of `state` into `observation` (one row each).
  func observe(_ state: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>)

  /// Replaces `action` (one row) by the action `step` executes: the clipped one.
  func clipAction(_ action: UnsafeMutableBufferPointer<Double>)

  /// Advances `state` (one row) by one step of `action` in `task` and returns the reward.
  func step(_ state: UnsafeMutableBufferPointer<Double>, action: UnsafeBufferPointer<Double>, task: Int) -> Double

  /// Writes the scripted expert's noise-free action for `state` in `task` into `action`.
  func expertAction(_ state: UnsafeBufferPointer<Double>, task: Int, into action: UnsafeMutableBufferPointer<Double>)


  /// Whether the states `s_0 … s_T` of an episode of `task` solve it.
  func isSuccess(_ trajectory: StateTrajectory, task: Int) -> Bool
}

/// Every environment this build knows, by the name used in manifests, params and artifacts (`env.name`,
/// `/data@env_name`): three built in, and `metaworld` through the Python bridge
/// (docs/environments/metaworld.md).
public enum EnvironmentID: String, ManifestChoice {
  case integrator2d, reacher, kitchen, metaworld

  /// The registry: the one `switch` over environments in the code base.
  public var environmentType: any TaskEnvironment.Type {
    switch self {
    case .integrator2d: Integrator2D.self
    case .reacher: Reacher.self
    case .kitchen: Kitchen.self
    case .metaworld: MetaWorld.self
    }
  }

  /// The fixed standardization of `[s, f(c)]` (`TaskEnvironment.inputStandardization`).
  public var inputStandardization: InputStandardization { environmentType.inputStandardization }

  /// The default MLP hidden-layer widths (`TaskEnvironment.defaultHiddenWidths`).
  public var defaultHiddenWidths: [Int] { environmentType.defaultHiddenWidths }

  /// The number of tasks |C| with `goals` goals (integrator2d; nil: the default), from the environment.
  public func taskCount(goals: Int? = nil) -> Int { environmentType.taskCount(goals: goals) }

  /// The environments that run in this process (every one but `metaworld`, which needs Python).
  public static var inProcess: [EnvironmentID] { allCases.filter { $0.environmentType is any ControlEnvironment.Type } }

  /// The environment with the given options (defaults when omitted).
  public func make(_ configuration: EnvironmentConfiguration = EnvironmentConfiguration()) throws
    -> any TaskEnvironment
  {
    try environmentType.init(configuration)
  }
}

/// The options of an environment as a manifest gives them (`env.goals`, `env.expert_noise`).
public struct EnvironmentConfiguration: Hashable, Sendable {
  /// The number of goals on the circle (integrator2d only; nil means the default).
  public var goals: Int?
  /// Task → expert noise std, replacing the environment's default for that task.
  public var expertNoise: [Int: Double]

  /// Creates options; the defaults give every environment's AMF.md §3 configuration.
  public init(goals: Int? = nil, expertNoise: [Int: Double] = [:]) {
    self.goals = goals
    self.expertNoise = expertNoise
  }

  /// The per-task noise std: `defaultStd` for every task, then the overrides; throws on a task outside
  /// `0..<taskCount` or a negative or non-finite std.
  public func expertNoiseStd(taskCount: Int, defaultStd: Double) throws -> [Double] {
    var stds = [Double](repeating: defaultStd, count: taskCount)
    for (task, std) in expertNoise.sorted(by: { $0.key < $1.key }) {
      guard (0..<taskCount).contains(task) else {
        throw EnvironmentError.invalidOption(
          "expert_noise", reason: "task \(task) does not exist; tasks are 0…\(taskCount - 1)")
      }
      guard std >= 0, std.isFinite else {
        throw EnvironmentError.invalidOption("expert_noise", reason: "std of task \(task) must be ≥ 0, found \(std)")
      }
      stds[task] = std
    }
    return stds
  }

  /// Throws unless `goals` is unset: for environments without a goal count.
  func rejectGoals(_ id: EnvironmentID) throws {
    if goals != nil {
      throw EnvironmentError.invalidOption("goals", reason: "only integrator2d has goals, not \(id.rawValue)")
    }
  }
}

/// What can be wrong with an environment's options or a scenario, naming the field.
public enum EnvironmentError: Error, Hashable, Sendable, CustomStringConvertible {
  /// An option has a value the environment does not accept.
  case invalidOption(String, reason: String)
  /// A scenario is not defined for the environment.
  case scenarioNotApplicable(scenario: String, reason: String)

  public var description: String {
    switch self {
    case .invalidOption(let field, let reason): "env.\(field): \(reason)"
    case .scenarioNotApplicable(let scenario, let reason): "scenario \(scenario): \(reason)"
    }
  }
}
