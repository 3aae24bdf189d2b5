import Foundation

/// `verify`: rehashes every output a lock references and checks it against the lock (PIPELINE.md §3–4).
///
/// Unlike `status`, which trusts the hash cache, the verifier must be given a hasher without a cache
/// so that every byte is read again.
public struct LockVerifier: Sendable {
  /// What is wrong with one stage run's files.
  public enum Problem: Hashable, Sendable, CustomStringConvertible {
    /// The output file is absent.
    case missing
    /// The output cannot be hashed or its stored hash disagrees with its content.
    case corrupt(detail: String)
    /// The output is intact but is not the one the lock recorded.
    case differsFromLock(expected: String, found: String)
    /// The run record `<key>.run.json` is absent.
    case runRecordMissing

    public var description: String {
      switch self {
      case .missing: "missing"
      case .corrupt: "corrupt (hash mismatch)"
      case .differsFromLock: "differs from lock"
      case .runRecordMissing: "run record missing or not of this key (rerun `run` to recompute it)"
      }
    }
  }

  /// One problem, located.
  public struct Finding: Hashable, Sendable {
    /// The stage run's name in the lock.
    public var run: String
    /// The output role, or nil for the run record.
    public var role: String?
    /// The file concerned.
    public var path: String
    /// What is wrong.
    public var problem: Problem

    /// Creates a finding.
    public init(run: String, role: String?, path: String, problem: Problem) {
      self.run = run
      self.role = role
      self.path = path
      self.problem = problem
    }
  }

  /// The outcome of a verification.
  public struct Report: Sendable {
    /// Stage runs in the lock.
    public var runs: Int
    /// Output artifacts checked.
    public var artifacts: Int
    /// Every problem, by run name then role.
    public var findings: [Finding]
  }

  /// The store the lock's keys live in.
  public let store: Store
  /// A hasher that reads every file (no cache).
  public let hasher: any ContentHasher

  /// A verifier over `store` with `hasher`.
  public init(store: Store, hasher: any ContentHasher) {
    self.store = store
    self.hasher = hasher
  }

  /// Checks every output and run record `lock` references.
  ///
  /// An output is checked against its run record's byte digest (size and SHA-256 of the raw bytes: the
  /// file is never parsed unless its bytes are the ones written), and the record's content hash against
  /// the lock. Outputs of records without digests (written before issue #17) are rehashed by content.
  public func verify(_ lock: LockFile) -> Report {
    var report = Report(runs: lock.stages.count, artifacts: 0, findings: [])
    for name in lock.stages.keys.sorted() {
      guard let entry = lock.stages[name] else { continue }
      let roles = entry.outputs.keys.sorted()
      let recordURL = store.recordURL(key: entry.key)
      let record = RunRecord.verification(at: recordURL).flatMap { $0.key == entry.key && $0.succeeded ? $0 : nil }
      for role in roles {
        report.artifacts += 1
        let url = store.outputURL(key: entry.key, role: role, roles: roles)
        if let problem = check(url, expected: entry.outputs[role] ?? "", record: record, role: role) {
          report.findings.append(Finding(run: name, role: role, path: url.path, problem: problem))
        }
      }
      if record == nil {
        report.findings.append(Finding(run: name, role: nil, path: recordURL.path, problem: .runRecordMissing))
      }
    }
    return report
  }

  private func check(_ url: URL, expected: String, record: RunRecord.Verification?, role: String) -> Problem? {
    guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
    guard let record else { return nil }  // reported once, as the missing record
    if let digests = record.outputs {
      guard let digest = digests[role] else { return .corrupt(detail: "its run record has no output '\(role)'") }
      do {
        guard try hasher.matches(url, digest) else {
          return .corrupt(detail: "its bytes are not the ones its run wrote (size or SHA-256 differs)")
        }
      } catch {
        return .corrupt(detail: "\(error)")
      }
      return digest.contentSHA256 == expected ? nil : .differsFromLock(expected: expected, found: digest.contentSHA256)
    }
    do {
      let found = try hasher.contentHash(of: url)
      return found == expected ? nil : .differsFromLock(expected: expected, found: found)
    } catch {
      return .corrupt(detail: "\(error)")
    }
  }
}
