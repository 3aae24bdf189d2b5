import AMFArtifacts
import AMFPipeline
import AMFStages
import ArgumentParser
import Foundation

/// What each arm of a finished study asked for and how its importance weights behaved: the evidence behind
/// Data/results/FINDINGS.md. Reads the lock and the store; writes a Markdown table on stdout.
struct StudyDiagnostics: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study-diagnostics",
    abstract: "Per arm: picks on target / covered / distractor tasks, ESS and own-task share of the target tasks, and calibration.")

  @Argument(help: "The study's lock file (e.g. Pipelines/studies/reacher-targeted.lock.json).") var lock: String
  @Option(help: "The store.") var store = "Artifacts/store"
  @Option(help: "Target tasks (comma-separated).") var targets = "4,5,6,7"
  @Option(help: "Covered tasks (comma-separated).") var covered = "0,1,2,3,4,5"
  @Option(help: "Distractor tasks (comma-separated).") var distractors = "9,10"

  func run() throws {
    let url = URL(fileURLWithPath: lock)
    let file = try LockFile.read(url, manifest: url.lastPathComponent)
    let store = Store(root: URL(fileURLWithPath: self.store))
    func set(_ text: String) -> Set<Int> { Set(text.split(separator: ",").compactMap { Int($0) }) }
    let (targetSet, coveredSet, distractorSet) = (set(targets), set(covered), set(distractors))
    struct Tally { var picks = 0, target = 0, covered = 0, distractor = 0, ess: [Double] = [], own: [Double] = [], ownCovered: [Double] = [], firstRound: [Int] = [] }
    var tallies: [String: Tally] = [:]
    var calibration: [String: [Calibration.Unit]] = [:]
    var evaluations: [String: EvaluationRecord] = [:]  // each round's evaluation is read once, used twice
    func evaluation(_ name: String) throws -> EvaluationRecord? {
      if let cached = evaluations[name] { return cached }
      guard let entry = file.stages[name], let role = entry.outputs.keys.sorted().first else { return nil }
      let roles = entry.outputs.keys.sorted()
      let record = try EvaluationRecord(try ArtifactFile.read(store.outputURL(key: entry.key, role: role, roles: roles)))
      evaluations[name] = record
      return record
    }
    var order: [String] = []
    for name in file.stages.keys.sorted() {
      guard let entry = file.stages[name], let arm = name.split(separator: "/").first.map(String.init) else { continue }
      if tallies[arm] == nil { order.append(arm); tallies[arm] = Tally() }
      let roles = entry.outputs.keys.sorted()
      if entry.kind == "select", let role = roles.first {
        let record = try SelectionRecord(try ArtifactFile.read(store.outputURL(key: entry.key, role: role, roles: roles)))
        for task in record.selected {
          tallies[arm]!.picks += 1
          if targetSet.contains(task) { tallies[arm]!.target += 1 }
          if coveredSet.contains(task) { tallies[arm]!.covered += 1 }
          if distractorSet.contains(task) { tallies[arm]!.distractor += 1 }
        }
        if name.hasSuffix("/round-1") { tallies[arm]!.firstRound += record.selected }
        // "<arm>/select/seed-S/round-R": the evaluations before (round R − 1) and after (round R) the picks.
        let parts = name.split(separator: "/").map(String.init)
        if ["amf", "uncertainty"].contains(record.strategy), parts.count == 4, let round = Int(parts[3].dropFirst(6)),
          let before = try evaluation("\(arm)/evaluate/\(parts[2])/round-\(round - 1)"),
          let after = try evaluation("\(arm)/evaluate/\(parts[2])/round-\(round)")
        {
          calibration[arm, default: []] += Calibration.units(
            selected: record.selected, scores: record.scores, before: before.success, after: after.success,
            covered: coveredSet)
        }
      }
      if entry.kind == "embed", let role = roles.first {
        let embeddings = try EmbeddingSet(try ArtifactFile.read(store.outputURL(key: entry.key, role: role, roles: roles)))
        for task in targetSet where task < embeddings.taskCount {
          tallies[arm]!.ess.append(embeddings.ess[task] / Double(embeddings.poolCount))
          tallies[arm]!.own.append(embeddings.ownShare[task])
        }
        for task in coveredSet where task < embeddings.taskCount { tallies[arm]!.ownCovered.append(embeddings.ownShare[task]) }
      }
    }
    func mean(_ values: [Double]) -> String {
      values.isEmpty ? "–" : String(format: "%.2f", values.reduce(0, +) / Double(values.count))
    }
    print("| arm | picks | on targets | on covered | on distractors | round-1 picks (all seeds) | ESS / pool (targets) | own-task share (targets) | own-task share (covered) |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for arm in order {
      guard let t = tallies[arm], t.picks > 0 else { continue }
      func share(_ n: Int) -> String { String(format: "%.2f", Double(n) / Double(t.picks)) }
      var counts: [Int: Int] = [:]
      for task in t.firstRound { counts[task, default: 0] += 1 }
      let first = counts.keys.sorted().map { "\($0)×\(counts[$0]!)" }.joined(separator: " ")
      print("| \(arm) | \(t.picks) | \(share(t.target)) | \(share(t.covered)) | \(share(t.distractor)) | \(first) | \(mean(t.ess)) | \(mean(t.own)) | \(mean(t.ownCovered)) |")
    }
    guard !calibration.isEmpty else { return }
    print("")
    print("Calibration (issue #16): per (seed, round, picked task), the score the criterion gave the task against the")
    print("success it gained in the next evaluation; `amf` scores are information gains (nats), `uncertainty` scores entropies.")
    print("")
    print("| arm | units | Pearson | Spearman | predicted: covered | predicted: uncovered | Δ success: covered | Δ success: uncovered |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    func number(_ value: Double?, _ format: String = "%.2f") -> String { value.map { String(format: format, $0) } ?? "–" }
    for arm in order {
      guard let units = calibration[arm] else { continue }
      let summary = Calibration(units: units)
      let (covered, uncovered) = (summary.means(covered: true), summary.means(covered: false))
      print("| \(arm) | \(units.count) | \(number(summary.pearson)) | \(number(summary.spearman)) | "
        + "\(number(covered?.predicted, "%.3g")) | \(number(uncovered?.predicted, "%.3g")) | "
        + "\(number(covered?.realized, "%+.3f")) | \(number(uncovered?.realized, "%+.3f")) |")
    }
  }
}
