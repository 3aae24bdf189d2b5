/// The `demonstrations` artifact (ARTIFACTS.md "Layouts", robomimic/Minari style).
///
/// Layout: `/data/demo_<i>/{obs (T × d_obs), actions (T × d_act), rewards (T), dones (T, uint8)}` (float32
/// except `dones`), each demo group with attributes `task` (int64), `task_features` (float64 vector),
/// `source` (string), `success` (uint8), `expert_noise_std` (float64); `/data` attributes `total` (int64),
/// `env_name` and `env_args` (JSON string); `/mask/<split>` string vectors of demo names.
/// Demos are named `demo_0 … demo_{n−1}` in array order.
public struct DemonstrationSet: Equatable, Sendable {
  /// One demonstration (or rollout) of one task.
  public struct Demonstration: Equatable, Sendable {
    /// The task c.
    public var task: Int
    /// f(c). Shapes: (taskFeatureDimension).
    public var taskFeatures: [Double]
    /// Where it came from: `pretrain`, `round_<r>` or `rollout`.
    public var source: String
    /// Whether the episode solved the task.
    public var isSuccess: Bool
    /// The expert's noise std ρ*_c when it was recorded.
    public var expertNoiseStd: Double
    /// Observations o_0 … o_{T−1}, row-major. Shapes: (T × observationDimension).
    public var observations: [Float]
    /// Actions a_0 … a_{T−1}, row-major. Shapes: (T × actionDimension).
    public var actions: [Float]
    /// Rewards. Shapes: (T).
    public var rewards: [Float]
    /// Episode-end flags. Shapes: (T).
    public var dones: [Bool]

    /// Creates a demonstration; shapes are checked when the set is built.
    public init(
      task: Int, taskFeatures: [Double], source: String, isSuccess: Bool, expertNoiseStd: Double,
      observations: [Float], actions: [Float], rewards: [Float], dones: [Bool]
    ) {
      self.task = task
      self.taskFeatures = taskFeatures
      self.source = source
      self.isSuccess = isSuccess
      self.expertNoiseStd = expertNoiseStd
      self.observations = observations
      self.actions = actions
      self.rewards = rewards
      self.dones = dones
    }

    /// T.
    public var stepCount: Int { rewards.count }
  }

  /// The environment's registry name (`integrator2d`, `reacher`, `kitchen`).
  public var environmentName: String
  /// The environment's options as canonical JSON.
  public var environmentArgumentsJSON: String
  /// Length of an observation row.
  public var observationDimension: Int
  /// Length of an action row.
  public var actionDimension: Int
  /// The demonstrations; index i is `demo_i`.
  public var demonstrations: [Demonstration]
  /// Split name → demo indices (written as `/mask/<split>`, a list of demo names).
  public var masks: [String: [Int]]

  /// Creates a set after checking every demo's shapes and every mask's indices.
  public init(
    environmentName: String, environmentArgumentsJSON: String, observationDimension: Int, actionDimension: Int,
    demonstrations: [Demonstration], masks: [String: [Int]] = [:]
  ) throws(ArtifactError) {
    self.environmentName = environmentName
    self.environmentArgumentsJSON = environmentArgumentsJSON
    self.observationDimension = observationDimension
    self.actionDimension = actionDimension
    self.demonstrations = demonstrations
    self.masks = masks
    try validate()
  }

  /// The name of demo `index`.
  public static func demoName(_ index: Int) -> String { "demo_\(index)" }

  /// Throws `shapeMismatch` or `invalidValue` naming the demo or mask that does not fit.
  public func validate() throws(ArtifactError) {
    guard observationDimension > 0, actionDimension > 0 else {
      throw ArtifactError.invalidValue(file: "", object: "/data", reason: "dimensions must be positive")
    }
    for (index, demo) in demonstrations.enumerated() {
      let path = "/data/\(Self.demoName(index))"
      let steps = demo.stepCount
      let checks: [(String, Int, Int, String)] = [
        ("obs", demo.observations.count, steps * observationDimension, "\(steps)×\(observationDimension)"),
        ("actions", demo.actions.count, steps * actionDimension, "\(steps)×\(actionDimension)"),
        ("dones", demo.dones.count, steps, "\(steps)"),
      ]
      for (name, found, expected, shape) in checks where found != expected {
        throw ArtifactError.shapeMismatch(
          file: "", object: "\(path)/\(name)", expected: shape, found: "\(found) elements")
      }
    }
    for (split, indices) in masks.sorted(by: { $0.key < $1.key }) {
      guard ArtifactGroup.isValidName(split) else {
        throw ArtifactError.invalidValue(file: "", object: "/mask/\(split)", reason: "invalid split name")
      }
      if let bad = indices.first(where: { !demonstrations.indices.contains($0) }) {
        throw ArtifactError.invalidValue(
          file: "", object: "/mask/\(split)", reason: "demo \(bad) does not exist (\(demonstrations.count) demos)")
      }
    }
  }
}
