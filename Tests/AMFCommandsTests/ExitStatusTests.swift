import AMFArtifacts
import AMFCommands
import Testing

/// The target's test folder was missing from git, which broke `swift build`; this keeps it non-empty.
@Suite struct ExitStatusTests {
  @Test func artifactErrorsAreDataErrors() {
    #expect(ExitStatus.code(for: ArtifactError.missing(file: "x.h5")) == ExitStatus.dataError)
  }
}
