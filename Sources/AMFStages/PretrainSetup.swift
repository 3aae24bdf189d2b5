import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import Foundation

/// The manifest's `env` and `scenario` mapped onto the environment layer: what every stage that rolls
/// out or queries the expert needs.
public struct PretrainSetup: Sendable {
  /// The environment's registry entry.
  public var id: EnvironmentID
  /// The scenario.
  public var scenario: TaskScenario
  /// Pre-training counts, candidates, targets and expert noise.
  public var plan: ScenarioPlan
  /// The environment, built with the scenario's expert noise merged in.
  public var environment: any TaskEnvironment

  /// Maps `params`; throws `EnvironmentError` when the scenario does not fit the environment.
  public init(_ params: PretrainParams) throws {
    try self.init(env: params.env, scenario: params.scenario, demosPerTask: params.pretrain.demosPerTask)
  }

  /// Maps the manifest's settings with `demosPerTask` pre-training demonstrations per covered task.
  public init(env: EnvironmentSettings, scenario: TaskScenario, demosPerTask: Int) throws {
    id = env.name
    self.scenario = scenario
    let configuration = EnvironmentConfiguration(
      goals: env.name == .integrator2d ? env.goals : nil, expertNoise: env.expertNoise)
    plan = try scenario.plan(environment: id, configuration: configuration, demosPerTask: demosPerTask)
    environment = try id.make(plan.configuration)
  }

  /// The `/data@env_args` of the demonstrations: the options the environment was built with (the
  /// scenario's distractor noise included), as canonical JSON `{"expert_noise": {task: std}, "goals": n}`.
  public func environmentArgumentsJSON() throws -> String {
    struct Arguments: Encodable {
      var goals: Int?
      var expertNoise: [String: Double]
      enum CodingKeys: String, CodingKey { case goals, expertNoise = "expert_noise" }
    }
    let noise = Dictionary(uniqueKeysWithValues: plan.configuration.expertNoise.map { (String($0.key), $0.value) })
    return try CanonicalJSON.string(Arguments(goals: plan.configuration.goals, expertNoise: noise))
  }
}

/// Every step of a demonstration set as training rows, in float32 as stored.
///
/// Shapes: `observations (n × d)`, `taskFeatures (n × k)`, `actions (n × a)`, n = Σ_demos T.
struct TrainingRows {
  var observations: Matrix<Float>
  var taskFeatures: Matrix<Float>
  var actions: Matrix<Float>

  init(_ set: DemonstrationSet) throws {
    let featureWidth = set.demonstrations.first?.taskFeatures.count ?? 0
    var observations: [Float] = []
    var features: [Float] = []
    var actions: [Float] = []
    for demo in set.demonstrations {
      observations += demo.observations
      actions += demo.actions
      let row = demo.taskFeatures.map { Float($0) }
      for _ in 0..<demo.stepCount { features += row }
    }
    let n = actions.count / set.actionDimension
    self.observations = try Matrix(rows: n, columns: set.observationDimension, values: observations)
    taskFeatures = try Matrix(rows: n, columns: featureWidth, values: features)
    self.actions = try Matrix(rows: n, columns: set.actionDimension, values: actions)
  }

  var count: Int { observations.rows }
  var observationDimension: Int { observations.columns }
  var taskFeatureDimension: Int { taskFeatures.columns }
  var actionDimension: Int { actions.columns }

  /// `[s, f(c)]` in float64 (the GP's raw inputs). Shapes: `(n × (d + k))`.
  func gpInputs() throws -> Matrix<Double> {
    let width = observationDimension + taskFeatureDimension
    var values: [Double] = []
    values.reserveCapacity(count * width)
    for row in 0..<count {
      for column in 0..<observationDimension { values.append(Double(observations[row, column])) }
      for column in 0..<taskFeatureDimension { values.append(Double(taskFeatures[row, column])) }
    }
    return try Matrix(rows: count, columns: width, values: values)
  }
}

extension Matrix where Scalar == Float {
  /// The same matrix in float64.
  func converted() throws -> Matrix<Double> {
    try Matrix<Double>(rows: rows, columns: columns, values: storage.map { Double($0) })
  }
}
