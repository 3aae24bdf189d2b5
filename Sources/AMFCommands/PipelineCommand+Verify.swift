import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline verify`: rehash every artifact a manifest's lock references and compare with the lock.
public struct VerifyCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "verify", abstract: "Rehash every artifact the lock references (no cache); exit 1 on any problem.",
    discussion: """
      One line per problem: `<stage run> <role>: missing | corrupt (hash mismatch) | differs from lock | \
      run record missing — <path>`, then a summary. Exit 0 when everything matches the lock, 1 otherwise.
      """)

  @OptionGroup var options: PipelineOptions

  public init() {}

  public func run() throws {
    let report: LockVerifier.Report
    do {
      report = try PipelineSession(manifest: options.manifest, storeFolder: options.store).verify()
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline verify")
    }
    for finding in report.findings {
      var line = "\(finding.run)\(finding.role.map { " \($0)" } ?? ""): \(finding.problem) — \(finding.path)"
      if case .corrupt(let detail) = finding.problem { line += " (\(detail))" }
      if case .differsFromLock(let expected, let found) = finding.problem {
        line += " (lock \(expected.prefix(12)), file \(found.prefix(12)))"
      }
      print(line)
    }
    let checked = "\(report.artifacts) artifacts of \(report.runs) stage runs"
    guard report.findings.isEmpty else {
      print("verify: \(report.findings.count) problems in \(checked)")
      throw ExitCode(1)
    }
    print("verify: ok, \(checked) match the lock")
  }
}
