import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline show`: one artifact's kind, verified hash, provenance, objects and headline numbers.
public struct ShowCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show an artifact: kind, content hash, provenance, datasets, headline numbers.",
    discussion: """
      ARTIFACT is a file, or a key prefix in --store (`<key>.<role>` picks one output of a multi-output key). \
      The content hash is always recomputed; a corrupt or non-artifact file is an error (exit 65).
      """)

  @Argument(help: "An artifact file, or a store key prefix (at least 2 characters).") var artifact: String
  @Option(help: "The content-addressed store that key prefixes are looked up in.") var store = "Artifacts/store"
  @Flag(help: "Print the summary as JSON.") var json = false

  public init() {}

  public func validate() throws {
    // The store resolves prefixes of 2 or more hex digits (its folders are named by the first two).
    let key = artifact.prefix { $0 != "." }
    let isKeyPrefix = !artifact.contains("/") && key.allSatisfy(\.isHexDigit)
    if isKeyPrefix, key.count < 2, !FileManager.default.fileExists(atPath: artifact) {
      throw ValidationError(
        "key prefix '\(artifact)' is too short: give at least 2 hex digits of a store key, or a file path")
    }
  }

  public func run() throws {
    do {
      let summary = try ArtifactSummary.inspect(PipelineSession.artifactURL(artifact, storeFolder: store))
      print(json ? try summary.jsonText() : summary.text())
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline show")
    }
  }
}
