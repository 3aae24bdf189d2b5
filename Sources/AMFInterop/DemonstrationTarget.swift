import AMFArtifacts
import AMFCore
import AMFEnvironments

/// What an imported demonstration must fit: the environment's widths, tasks, horizon and task features.
public struct DemonstrationTarget: Sendable {
  /// The environment.
  public var environment: EnvironmentID
  /// integrator2d's goal count (nil for the other environments).
  public var goals: Int?
  /// Length of an observation row.
  public var observationDimension: Int
  /// Length of an action row.
  public var actionDimension: Int
  /// Steps per episode H: the longest episode accepted.
  public var horizon: Int
  /// f(c) of every task. Shapes: (|C| × taskFeatureDimension).
  public var taskFeatures: [[Double]]
  /// The expert noise std ρ*_c of every task, recorded when the file has none. Shapes: (|C|).
  public var expertNoiseStd: [Double]

  /// The target of `environment` built with its default options (and `goals` for integrator2d).
  public init(environment: EnvironmentID, goals: Int? = nil) throws {
    let built = try environment.make(EnvironmentConfiguration(goals: environment == .integrator2d ? goals : nil))
    self.environment = environment
    self.goals = environment == .integrator2d ? built.taskCount : nil
    observationDimension = built.observationDimension
    actionDimension = built.actionDimension
    horizon = built.horizon
    taskFeatures = (0..<built.taskCount).map { built.taskFeatures(of: $0) }
    expertNoiseStd = built.expertNoiseStd
  }

  /// |C|.
  public var taskCount: Int { taskFeatures.count }

  /// `/data@env_args`: `{"expert_noise": {}, "goals": n}` as pre-training writes it, without scenario noise.
  public func argumentsJSON() throws -> String {
    struct Arguments: Encodable {
      var goals: Int?
      var expertNoise: [String: Double] = [:]
      enum CodingKeys: String, CodingKey { case goals, expertNoise = "expert_noise" }
    }
    return try CanonicalJSON.string(Arguments(goals: goals))
  }

  /// The `env` section recorded in the provenance params, as manifests write it (`{"name", "goals"}`).
  struct Settings: Encodable, Equatable, Sendable {
    var name: String
    var goals: Int?
  }

  var settings: Settings { Settings(name: environment.rawValue, goals: goals) }
}
