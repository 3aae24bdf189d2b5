import AMFArtifacts
import AMFCore
import Foundation

/// What a stage's computation gets besides inputs and params: the run seed and a progress log.
public struct StageContext: Sendable {
  /// The run seed (`--seed`). Stages derive every stream from it by a label that starts with the stage's
  /// name, e.g. `seed.derived("pretrain/task-3/demo-0")` (HOUSE-STYLE §3.7).
  public var seed: Seed
  /// Where progress goes.
  public var progress: StageProgress

  /// Creates a context.
  public init(seed: Seed, progress: StageProgress = .silent) {
    self.seed = seed
    self.progress = progress
  }
}

/// Progress of a running stage on stderr (PIPELINE.md §1): one line per report when stderr is not a
/// terminal (logs, `amf-pipeline`), a line rewritten in place when it is.
///
/// Stdout stays clean: it is reserved for `--json`.
public struct StageProgress: Sendable {
  /// The prefix of every line, normally the executable's name.
  public var label: String
  /// Whether to rewrite one line in place (stderr is a terminal) instead of appending lines.
  public var inPlace: Bool
  private let sink: (@Sendable (String) -> Void)?
  private let start = ContinuousClock.now

  /// Reports nothing (in-process use and tests).
  public static var silent: StageProgress { StageProgress(label: "", inPlace: false, sink: nil) }

  /// Reports to stderr, in place when stderr is a terminal.
  public static func standardError(label: String) -> StageProgress {
    StageProgress(label: label, inPlace: isatty(STDERR_FILENO) == 1) { text in
      FileHandle.standardError.write(Data(text.utf8))
    }
  }

  /// A progress log that hands each finished line (with its newline) to `sink`, for tests.
  public static func collecting(label: String, _ sink: @escaping @Sendable (String) -> Void) -> StageProgress {
    StageProgress(label: label, inPlace: false, sink: sink)
  }

  private init(label: String, inPlace: Bool, sink: (@Sendable (String) -> Void)?) {
    self.label = label
    self.inPlace = inPlace
    self.sink = sink
  }

  /// Seconds since this log was created.
  public var elapsedSeconds: Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }

  /// Reports a finished phase: always its own line.
  public func log(_ message: String) {
    sink?((inPlace ? "\r\u{1B}[K" : "") + line(message) + "\n")
  }

  /// Reports a step of a long loop (`step` of `total`); in place on a terminal, a line otherwise.
  public func update(_ what: String, step: Int, of total: Int, detail: String = "") {
    let percent = total > 0 ? 100 * step / total : 100
    let message = "\(what) \(step)/\(total) (\(percent)%)" + (detail.isEmpty ? "" : " \(detail)")
    if inPlace {
      sink?("\r\u{1B}[K" + line(message) + (step >= total ? "\n" : ""))
    } else {
      sink?(line(message) + "\n")
    }
  }

  private func line(_ message: String) -> String {
    "\(label): [\(String(format: "%.1f", elapsedSeconds))s] \(message)"
  }
}

/// The input artifacts of a stage run, by role, with their content hashes.
public struct StageInputs: Sendable {
  /// Role → artifact, e.g. `policy`; roles of repeatable inputs carry a suffix (`evaluation/amf/seed-0/round-1`).
  public var artifacts: [String: Artifact]
  /// Role → content SHA-256 (what provenance records).
  public var hashes: [String: String]
  /// Role → the file it was read from, for error messages (empty for in-memory inputs).
  public var paths: [String: String]

  /// Creates inputs.
  public init(artifacts: [String: Artifact] = [:], hashes: [String: String] = [:], paths: [String: String] = [:]) {
    self.artifacts = artifacts
    self.hashes = hashes
    self.paths = paths
  }

  /// The file `role` was read from, or `--input <role>` when it was given in memory.
  public func path(_ role: String) -> String { paths[role] ?? "--input \(role)" }

  /// The artifact of `role`; throws `missingInput` when it was not given.
  public func required(_ role: String) throws -> Artifact {
    guard let artifact = artifacts[role] else { throw StageError.missingInput(role: role) }
    return artifact
  }
}

/// One output of a stage's computation, before it is written.
public struct StageOutput: Sendable {
  /// The output role (`demonstrations`, `policy`, …).
  public var role: String
  /// The artifact kind.
  public var kind: ArtifactKind
  /// The content (everything but the root `amf.*` attributes).
  public var content: ArtifactGroup
  /// Human-readable files (name → bytes) that `StageDriver` writes beside the artifact, in
  /// `SidecarFolder.url(for:)` (`<output without .h5>.files/`); empty for most stages.
  public var files: [String: Data]

  /// Creates an output.
  public init(role: String, kind: ArtifactKind, content: ArtifactGroup, files: [String: Data] = [:]) {
    self.role = role
    self.kind = kind
    self.content = content
    self.files = files
  }
}
