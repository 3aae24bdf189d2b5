import AMFArtifacts
import AMFCore
import AMFReport

/// Reading a report's inputs: roles `evaluation/<arm>/seed-<s>/round-<r>`, matched exactly against the
/// arms of the params (ManifestExpansion writes one role per arm × seed × round).
public enum ReportInputs {
  /// The role prefix of every report input.
  public static let rolePrefix = "evaluation/"

  /// A parsed role.
  public struct Role: Hashable, Sendable {
    /// The arm's name.
    public var arm: String
    /// The seed.
    public var seed: Int
    /// The round.
    public var round: Int

    /// The role's text, `evaluation/<arm>/seed-<s>/round-<r>`.
    public var text: String { "\(ReportInputs.rolePrefix)\(arm)/seed-\(seed)/round-\(round)" }
  }

  /// Parses `evaluation/<arm>/seed-<s>/round-<r>`, or nil.
  public static func parse(_ role: String) -> Role? {
    guard role.hasPrefix(rolePrefix) else { return nil }
    let parts = role.dropFirst(rolePrefix.count).split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, parts[1].hasPrefix("seed-"), parts[2].hasPrefix("round-"),
      let seed = Int(parts[1].dropFirst(5)), let round = Int(parts[2].dropFirst(6)), seed >= 0, round >= 0
    else { return nil }
    let parsed = Role(arm: String(parts[0]), seed: seed, round: round)
    return parsed.text == role ? parsed : nil  // rejects `seed-01`, `seed-+1`
  }

  /// The evaluations of every arm of `params` (or, when it lists none, of every arm the roles name),
  /// after checking that the roles match the arms exactly and that every evaluation shares one
  /// environment and task count.
  ///
  /// Edge cases: a role that does not parse, a missing or an extra role throws `StageError.inputLayout`
  /// naming the role and the fix; an evaluation whose round, environment or task count disagrees throws
  /// `StageError.inconsistentInput`.
  public static func arms(_ inputs: StageInputs, params: ReportParams) throws -> [ArmEvaluations] {
    var roles: [Role: EvaluationRecord] = [:]
    for text in inputs.artifacts.keys.sorted() {
      guard let role = parse(text), let artifact = inputs.artifacts[text] else {
        throw StageError.inputLayout(
          role: text, reason: "is not of the form evaluation/<arm>/seed-<s>/round-<r>; rename the role")
      }
      let record: EvaluationRecord
      do {
        record = try EvaluationRecord(artifact)
      } catch {
        throw StageError.inconsistentInput(role: text, reason: "not a valid evaluation: \(error)")
      }
      guard record.round == role.round else {
        throw StageError.inconsistentInput(role: text, reason: "the evaluation is of round \(record.round)")
      }
      roles[role] = record
    }
    guard !roles.isEmpty else {
      throw StageError.inputLayout(
        role: "evaluation/<arm>/seed-<s>/round-<r>", reason: "no evaluation given; pass one per arm, seed and round")
    }
    let arms = try params.arms.isEmpty ? inferArms(Array(roles.keys), records: roles) : params.arms
    let expected = Set(arms.flatMap { arm in
      arm.seeds.flatMap { seed in (0...arm.rounds).map { Role(arm: arm.name, seed: seed, round: $0) } }
    })
    if let extra = roles.keys.filter({ !expected.contains($0) }).map(\.text).sorted().first {
      throw StageError.inputLayout(
        role: extra, reason: "is not in report.arms (\(arms.map(\.name).joined(separator: ", "))); "
          + "remove it or add its arm, seed and round to the params")
    }
    if let missing = expected.filter({ roles[$0] == nil }).map(\.text).sorted().first {
      throw StageError.inputLayout(
        role: missing, reason: "is missing; pass --input \(missing)=PATH or drop that seed or round from the params")
    }
    try checkConsistency(roles)
    return arms.map { arm in
      ArmEvaluations(
        arm: arm,
        records: arm.seeds.map { seed in
          (0...arm.rounds).compactMap { roles[Role(arm: arm.name, seed: seed, round: $0)] }
        })
    }
  }

  private static func checkConsistency(_ roles: [Role: EvaluationRecord]) throws {
    let ordered = roles.keys.sorted { $0.text < $1.text }
    guard let first = ordered.first, let reference = roles[first] else { return }
    for role in ordered {
      guard let record = roles[role] else { continue }
      guard record.environmentName == reference.environmentName else {
        throw StageError.inconsistentInput(
          role: role.text,
          reason: "environment \(record.environmentName) differs from \(reference.environmentName) of \(first.text)")
      }
      guard record.taskCount == reference.taskCount else {
        throw StageError.inconsistentInput(
          role: role.text, reason: "\(record.taskCount) tasks differ from \(reference.taskCount) of \(first.text)")
      }
    }
  }

  /// The arms the roles name, in name order: seeds and the last round read off the roles, N off the last
  /// round's `demos_used` (B = N / rounds).
  static func inferArms(_ roles: [Role], records: [Role: EvaluationRecord]) throws -> [ReportedArm] {
    try Set(roles.map(\.arm)).sorted().map { name in
      let mine = roles.filter { $0.arm == name }
      let rounds = mine.map(\.round).max() ?? 0
      let last = mine.first { $0.round == rounds }
      let demos = last.flatMap { records[$0]?.demosUsed } ?? 0
      guard rounds > 0, demos > 0, demos % rounds == 0 else {
        throw StageError.inputLayout(
          role: last?.text ?? name,
          reason: "cannot infer the budget of arm \(name) (\(rounds) rounds, \(demos) demos); give report.arms")
      }
      return ReportedArm(
        name: name, seeds: Set(mine.map(\.seed)).sorted(), rounds: rounds,
        budget: Budget(demos: demos, batch: demos / rounds))
    }
  }

  /// `ReportSummary.compute`, with its errors as the stage's: `ReportError.inconsistentInput` becomes
  /// `StageError.inconsistentInput` with the same role and reason.
  public static func summary(of arms: [ArmEvaluations], settings: ReportSettings, seed: Seed) throws -> ReportSummary {
    do {
      return try ReportSummary.compute(arms, settings: settings, seed: seed)
    } catch ReportError.inconsistentInput(let role, let reason) {
      throw StageError.inconsistentInput(role: role, reason: reason)
    }
  }
}
