import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline archive`: a reproduction package of a manifest, its lock and what the lock references.
public struct ArchiveCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "archive", abstract: "Pack a manifest, its lock, its artifacts and report into a .tar.gz.",
    discussion: """
      Contents: the manifest and every file it extends (and a study's arms), the recorded demonstrations it \
      names (expert.demonstrations), the lock, every artifact and run record the lock references (under store/<key[0:2]>/), the report folder the lock names, and SHA256SUMS. \
      Artifacts are checked against the lock first; the archive is written complete or not at all.
      To check a package: tar xzf OUT.tar.gz -C DIR && (cd DIR && sha256sum -c SHA256SUMS)
      """)

  @OptionGroup var options: PipelineOptions
  @Argument(help: "The archive to write, e.g. paper-repro.tar.gz.") var output: String

  public init() {}

  public func run() throws {
    do {
      let session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      let paths = try ArchiveBuilder(members: try session.archiveMembers()).write(to: URL(fileURLWithPath: output))
      print(paths.joined(separator: "\n"))
      print("archive: \(output), \(paths.count) files")
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline archive")
    }
  }
}
