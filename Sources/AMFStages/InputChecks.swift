import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPipeline
import AMFPolicy

/// Checks that the artifacts a stage reads belong to the environment its params name (finetune and
/// evaluate): each failure is an `ArtifactError` naming the file, the object and the fix.
enum InputChecks {
  /// `policy`'s observation, task-feature and action dimensions are those of `environment`.
  static func check(_ policy: any GaussianPolicy, fits environment: any TaskEnvironment, name: String, file: String)
    throws(ArtifactError)
  {
    let expected = [environment.observationDimension, environment.taskFeatureDimension, environment.actionDimension]
    let found = [policy.observationDimension, policy.taskFeatureDimension, policy.actionDimension]
    guard expected == found else {
      throw ArtifactError.shapeMismatch(
        file: file, object: "attribute architecture (observation, task feature, action dimensions)",
        expected: "\(expected) for env.name=\(name)", found: "\(found)")
    }
  }

  /// The `env` recorded in `artifact`'s provenance params (pretrain and finetune record it) has the name
  /// and task count of `env`; artifacts without a recorded `env` pass.
  static func checkRecordedEnvironment(_ artifact: Artifact, matches env: EnvironmentSettings, file: String)
    throws(ArtifactError)
  {
    guard let document = try? JSONValue.parse(artifact.provenance.paramsJSON), case .object(let members) = document,
      let recorded = members["env"], let text = try? CanonicalJSON.string(recorded),
      let settings = try? CanonicalJSON.decode(EnvironmentSettings.self, from: text)
    else { return }
    guard settings.name == env.name, settings.taskCount == env.taskCount else {
      throw ArtifactError.invalidValue(
        file: file, object: "attribute amf.params (env)",
        reason: "was made for env.name=\(settings.name.rawValue) with \(settings.taskCount) tasks, but this run has "
          + "env.name=\(env.name.rawValue) with \(env.taskCount) tasks; pass the artifact of this environment or "
          + "set --param env.name=\(settings.name.rawValue)")
    }
  }

  /// `set` was recorded in `setup`'s environment: its name, goal count (when `/data@env_args` records one),
  /// observation and action widths, and tasks in range.
  static func check(_ set: DemonstrationSet, fits setup: PretrainSetup, file: String) throws(ArtifactError) {
    let environment = setup.environment
    guard set.environmentName == setup.id.rawValue else {
      throw ArtifactError.invalidValue(
        file: file, object: "/data@env_name",
        reason: "is '\(set.environmentName)' but this run's env.name is \(setup.id.rawValue); pass demonstrations "
          + "of \(setup.id.rawValue) or set env.name=\(set.environmentName)")
    }
    if case .object(let arguments)? = try? JSONValue.parse(set.environmentArgumentsJSON),
      case .number(let goals)? = arguments["goals"], let expected = setup.plan.configuration.goals,
      goals != Double(expected)
    {
      let recorded = goals == goals.rounded() && abs(goals) < 1e9 ? String(Int(goals)) : "\(goals)"
      throw ArtifactError.invalidValue(
        file: file, object: "/data@env_args (goals)",
        reason: "records \(recorded) goals but this run's env.goals is \(expected), so its task ids name other goals; "
          + "pass demonstrations recorded with \(expected) goals or set env.goals=\(recorded)")
    }
    guard set.observationDimension == environment.observationDimension,
      set.actionDimension == environment.actionDimension
    else {
      throw ArtifactError.shapeMismatch(
        file: file, object: "/data/demo_0/{obs, actions} widths",
        expected: "\(environment.observationDimension), \(environment.actionDimension) (\(setup.id.rawValue))",
        found: "\(set.observationDimension), \(set.actionDimension)")
    }
    for (index, demo) in set.demonstrations.enumerated() where !(0..<environment.taskCount).contains(demo.task) {
      throw ArtifactError.invalidValue(
        file: file, object: "/data/\(DemonstrationSet.demoName(index))@task",
        reason: "task \(demo.task) is outside 0..<\(environment.taskCount) of \(setup.id.rawValue); check env.goals "
          + "and that the file belongs to this run")
    }
  }

  /// Collected demonstrations per task: those whose `source` is `round_<r>` (pre-training demos and
  /// rollouts are not counted). Shapes: `taskCount`.
  static func collectedCounts(_ set: DemonstrationSet?, taskCount: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: taskCount)
    for demo in set?.demonstrations ?? [] where isCollected(demo) && counts.indices.contains(demo.task) {
      counts[demo.task] += 1
    }
    return counts
  }

  /// Whether `demo` was collected in a fine-tuning round (`source` is `round_<r>`).
  static func isCollected(_ demo: DemonstrationSet.Demonstration) -> Bool {
    DemonstrationSource(demo.source)?.isCollected == true
  }
}
