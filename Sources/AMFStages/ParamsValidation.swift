import AMFCore
import AMFEnvironments

/// Throws unless `minimum` ≤ `round` ≤ `ManifestLimits.demos` (a round per demonstration at most).
func requireRound(_ round: Int, minimum: Int) throws {
  try requireAtLeast(minimum, round, "round")
  try requireAtMost(ManifestLimits.demos, round, "round", "there are at most N = budget.demos rounds")
}

/// Throws a `DecodingError` at `scenario…` when `scenario` does not fit `env` (as `PretrainParams` does).
func validateScenario(_ scenario: TaskScenario, for env: EnvironmentSettings, decoder: any Decoder) throws {
  do {
    try scenario.validate(for: env)
  } catch let error as InvalidParameter {
    let path = decoder.codingPath + [AnyCodingKey("scenario")] + error.field.map { AnyCodingKey($0) }
    throw DecodingError.dataCorrupted(
      DecodingError.Context(codingPath: path, debugDescription: error.reason, underlyingError: error))
  }
}
