import AMFCore
import Foundation

extension Executor {
  /// Executes one run under its key lock, reusing outputs that exist at its key unless forced.
  func execute(_ run: StageRunSpec, inputHashes: [String: String], inputURLs: [String: URL], forced: Bool) async
    -> Result<([String: String], RunOutcome), any Error>
  {
    let key = StageKey.compute(for: run, inputHashes: inputHashes)
    let planner = Planner(graph: graph, store: store, lock: LockFile(manifest: ""), hasher: hasher)
    do {
      if !forced || alreadyComputed(key), case .success(let outputs) = planner.verifyOutputs(of: run, key: key) {
        return .success((outputs, .reused))
      }
      let keyLock = try await store.lock(key: key)
      defer { keyLock.release() }
      let found = planner.verifyOutputs(of: run, key: key)
      if !forced || alreadyComputed(key), case .success(let outputs) = found {
        return .success((outputs, .reused))
      }
      store.removeTemporaries(key: key)
      if case .failure(let problem) = found, problem != .artifactMissing {
        // Files at this key that its run did not write (or whose writing was never recorded) are kept,
        // not deleted: someone may have put them there.
        for role in run.outputRoles {
          let url = store.outputURL(key: key, role: role, roles: run.outputRoles)
          if let moved = try store.moveAside(url) { log("moved aside \(url.path) → \(moved.path) (\(problem))") }
        }
      }
      let seconds = try await invoke(run, key: key, inputs: inputURLs)
      switch planner.verifyOutputs(of: run, key: key) {
      case .success(let outputs):
        markComputed(key)
        log("done \(run.name) in \(String(format: "%.2f", seconds)) s")
        return .success((outputs, .succeeded(seconds: seconds)))
      case .failure(let problem):
        let role = run.outputRoles.first ?? "output"
        throw PipelineError.missingOutput(
          name: run.name, role: role, path: store.outputURL(key: key, role: role, roles: run.outputRoles).path,
          reason: problem.description)
      }
    } catch {
      return .failure(error)
    }
  }

  private func alreadyComputed(_ key: String) -> Bool { computedKeysContains(key) }

  /// Runs the stage process with a marker, then writes its run record; returns the wall time.
  private func invoke(_ run: StageRunSpec, key: String, inputs: [String: URL]) async throws -> Double {
    var outputs: [String: URL] = [:]
    for role in run.outputRoles { outputs[role] = store.outputURL(key: key, role: role, roles: run.outputRoles) }
    let marker = store.markerURL(key: key)
    try PlainFile.write(Data("\(getpid()) \(context.host)\n".utf8), to: marker)
    defer { unlink(marker.path) }
    let started = Date()
    let status = try await runner.run(
      StageInvocation(run: run, key: key, inputs: inputs, outputs: outputs, log: store.logURL(key: key)))
    let seconds = Date().timeIntervalSince(started)
    // What the run wrote, read back while its key lock is held: from now on the store trusts these bytes
    // and only these at this key. The stage's own file is parsed here, once.
    var digests: [String: OutputDigest]?
    if status == 0 {
      digests = [:]
      for (role, url) in outputs {
        guard let content = try? hasher.contentHash(of: url), let digest = try? OutputDigest(of: url, contentSHA256: content)
        else { digests = nil; break }
        digests?[role] = digest
      }
    }
    let succeeded = status == 0 && digests != nil
    var record = RunRecord(
      key: key, name: run.name, kind: run.kind, status: succeeded ? .succeeded : .failed, exitCode: status,
      started: ISO8601DateFormatter().string(from: started), seconds: seconds, host: context.host,
      executable: context.executable, executableSHA256: context.executableSHA256,
      projectVersion: context.projectVersion, log: store.logURL(key: key).path)
    record.outputs = digests
    // Atomic now, durable in one batch before the lock (the commit point) is written: an fsync pair per
    // run record cost more than the rest of the engine's work per stage run (BENCHMARKS-pipeline.md).
    try record.write(to: store.recordURL(key: key), durable: false)
    guard status == 0 else {
      throw PipelineError.stageFailed(name: run.name, exitCode: status, log: store.logURL(key: key).path)
    }
    guard succeeded else {
      let role = run.outputRoles.first { outputs[$0].map { (try? hasher.contentHash(of: $0)) == nil } ?? true }
        ?? run.outputRoles.first ?? "output"
      throw PipelineError.missingOutput(
        name: run.name, role: role, path: outputs[role]?.path ?? key,
        reason: "the stage exited 0 but this output is missing or not a valid artifact")
    }
    return seconds
  }
}
