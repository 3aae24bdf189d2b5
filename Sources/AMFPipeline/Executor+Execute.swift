import AMFCore
import Foundation

extension Executor {
  /// Executes one run under its key lock, reusing outputs that exist at its key unless forced.
  func execute(_ run: ResolvedRun, inputURLs: [String: URL], forced: Bool) async
    -> Result<([String: String], RunOutcome), any Error>
  {
    let (spec, key) = (run.spec, run.key)
    let planner = Planner(graph: graph, store: store, lock: LockFile(manifest: ""), hasher: hasher)
    do {
      if !forced || computedKeysContains(key), case .success(let outputs) = planner.verifyOutputs(of: spec, key: key) {
        return .success((outputs, .reused))
      }
      let keyLock = try await store.lock(key: key)
      defer { keyLock.release() }
      let found = planner.verifyOutputs(of: spec, key: key)
      if !forced || computedKeysContains(key), case .success(let outputs) = found {
        return .success((outputs, .reused))
      }
      // The key holds the file inputs' hashes from planning: the stage must read those very bytes.
      for role in spec.files.keys.sorted() { try spec.files[role]?.check(run: spec.name, role: role, hasher: hasher) }
      try clearKey(of: spec, key: key, found: found)
      let seconds = try await invoke(spec, key: key, inputs: inputURLs)
      let outputs = try verifiedOutputs(of: spec, key: key, planner: planner)
      markComputed(key)
      return .success((outputs, .succeeded(seconds: seconds)))
    } catch {
      return .failure(error)
    }
  }

  /// Removes temporaries at `key` and moves aside files there that its run did not write (or whose
  /// writing was never recorded): they are kept, not deleted, because someone may have put them there.
  private func clearKey(of spec: StageRunSpec, key: String, found: Result<[String: String], StaleReason>) throws {
    store.removeTemporaries(key: key)
    guard case .failure(let problem) = found, problem != .artifactMissing else { return }
    for role in spec.outputRoles {
      let url = store.outputURL(key: key, role: role, roles: spec.outputRoles)
      if let moved = try store.moveAside(url) { log("moved aside \(url.path) → \(moved.path) (\(problem))") }
    }
  }

  /// The outputs at `key` after the stage ran, as its run record vouches for them.
  private func verifiedOutputs(of spec: StageRunSpec, key: String, planner: Planner) throws -> [String: String] {
    switch planner.verifyOutputs(of: spec, key: key) {
    case .success(let outputs):
      return outputs
    case .failure(let problem):
      let role = spec.outputRoles.first ?? "output"
      throw PipelineError.missingOutput(
        name: spec.name, role: role, path: store.outputURL(key: key, role: role, roles: spec.outputRoles).path,
        reason: problem.description)
    }
  }

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
    let digests = status == 0 ? outputDigests(outputs) : nil
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

  /// The digest of every output (content hash and bytes), or nil when one is missing or not valid.
  private func outputDigests(_ outputs: [String: URL]) -> [String: OutputDigest]? {
    var digests: [String: OutputDigest] = [:]
    for (role, url) in outputs {
      guard let content = try? hasher.contentHash(of: url),
        let digest = try? OutputDigest(of: url, contentSHA256: content)
      else { return nil }
      digests[role] = digest
    }
    return digests
  }
}
