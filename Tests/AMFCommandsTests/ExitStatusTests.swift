import AMFArtifacts
import AMFCore
import AMFPipeline
import Foundation
import Testing

@testable import AMFCommands

/// Issue #17: every error is one line with a documented code; a full disk is 74; a stage killed by a
/// signal says so.
@Suite struct ExitStatusTests {
  @Test func multiLineErrorsAreFoldedIntoOneLine() {
    let error = ArtifactError.hdf5(file: "/x.h5", call: "H5Fopen", detail: "first\n, second\nthird")
    #expect(ExitStatus.line(for: error, command: "amf-select") ==
      "amf-select: error: /x.h5: HDF5 call H5Fopen failed: first , second third\n")
    #expect(ExitStatus.code(for: error) == 65)
  }

  @Test func aFullDiskIsAnIOErrorSaidFirst() {
    let error = ArtifactError.hdf5(
      file: "/full/x.h5", call: "H5Fclose", detail: "errno = 28, error message = 'No space left on device'")
    #expect(ExitStatus.code(for: error) == 74)
    #expect(ExitStatus.line(for: error, command: "amf-pretrain").hasPrefix(
      "amf-pretrain: error: the disk is full: free space, then rerun (/full/x.h5: HDF5 call H5Fclose failed"))
    let plain = FileSystemError(path: "/full/y", operation: "write", reason: String(cString: strerror(ENOSPC)))
    #expect(ExitStatus.code(for: plain) == 74)
  }

  @Test func aStageKilledByASignalSaysWhich() {
    #expect(PipelineError.exitDescription(139) == "was killed by signal 11 (SIGSEGV)")
    #expect(PipelineError.exitDescription(143) == "was killed by signal 15 (SIGTERM)")
    #expect(PipelineError.exitDescription(65) == "failed with exit code 65")
    #expect(PipelineError.stageFailed(name: "embed/seed-0/round-1", exitCode: 139, log: "l").description
      == "stage run 'embed/seed-0/round-1' was killed by signal 11 (SIGSEGV); see its log: l")
  }
}
