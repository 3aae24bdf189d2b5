import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

import AMFStages
@testable import AMFStudy

/// The refactoring invariant: every committed lock still matches a fresh expansion of its manifest.
///
/// A stage run's key is a function of its kind, stage version, seed, parameters and input hashes, so a
/// run whose freshly computed key equals its committed key is the same computation. Input hashes come
/// from the committed lock itself (the upstream run's recorded output), so no artifact is needed.
@Suite struct CommittedLockKeyTests {
  @Test func everyCommittedLockMatchesAFreshExpansion() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: pipelines)
    let locks = try #require(FileManager.default.enumerator(atPath: pipelines.path)).compactMap { $0 as? String }
      .filter { $0.hasSuffix(".lock.json") }.sorted()
    #expect(locks.count >= 37)
    var checkedRuns = 0
    for lockPath in locks {
      let manifestPath = String(lockPath.dropLast(".lock.json".count)) + ".yaml"
      let manifest = try PipelineManifest.load(manifestPath, loader: loader)
      let runs = try manifest.stageRuns()
      let lock = try LockFile.read(pipelines.appendingPathComponent(lockPath), manifest: manifest.name)
      let mismatches = Self.mismatches(runs: try StageGraph(runs).order, lock: lock)
      #expect(mismatches.isEmpty, "\(lockPath): \(mismatches.prefix(3).joined(separator: "; "))")
      #expect(Set(lock.stages.keys) == Set(runs.map(\.name)), "\(lockPath): run names differ from the expansion")
      checkedRuns += runs.count
    }
    #expect(checkedRuns > 40_000)
  }

  /// A changed parameter changes the key, so the check above can fail.
  @Test func aChangedParameterIsCaught() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: pipelines)
    let runs = try StageGraph(PipelineManifest.load("ablations/no-is.yaml", loader: loader).stageRuns()).order
    let lock = try LockFile.read(pipelines.appendingPathComponent("ablations/no-is.lock.json"), manifest: "no-is")
    #expect(Self.mismatches(runs: runs, lock: lock).isEmpty)
    var changed = runs
    let select = try #require(changed.firstIndex { $0.kind == "select" })
    changed[select].paramsJSON = changed[select].paramsJSON.replacingOccurrences(
      of: "\"importance_weights\":false", with: "\"importance_weights\":true")
    #expect(changed[select].paramsJSON != runs[select].paramsJSON)
    #expect(Self.mismatches(runs: changed, lock: lock) == ["\(runs[select].name): key differs"])
  }

  /// Runs whose fresh key (inputs from the lock's upstream outputs, and the hashes of file inputs) differs
  /// from the lock's entry.
  static func mismatches(runs: [StageRunSpec], lock: LockFile) -> [String] {
    var found: [String] = []
    for run in runs {
      guard let entry = lock.stages[run.name] else {
        found.append("\(run.name): not in the lock")
        continue
      }
      var inputHashes = run.files.mapValues(\.contentHash)
      for (role, reference) in run.inputs {
        inputHashes[role] = lock.stages[reference.run]?.outputs[reference.role] ?? "missing"
      }
      if entry.inputs != inputHashes { found.append("\(run.name): inputs differ") }
      if entry.stageVersion != run.stageVersion { found.append("\(run.name): stage version differs") }
      if StageKey.compute(for: run, inputHashes: inputHashes) != entry.key { found.append("\(run.name): key differs") }
    }
    return found
  }
}
