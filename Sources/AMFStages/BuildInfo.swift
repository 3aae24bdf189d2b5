import AMFCore
import AMFNumerics
import Foundation

/// Facts about this build that run records and `amf-pipeline version` report.
public enum BuildInfo {
  /// Whether the numeric library modules were compiled with optimization (true in debug builds too).
  public static var librariesAreOptimized: Bool { NumericsBuild.isOptimized && !_isDebugAssertConfiguration() }

  /// The package version and commit.
  public static var projectVersion: String { ProjectVersion.description }

  /// The path of the running executable (`/proc/self/exe` resolved), the binary the orchestrator
  /// re-invokes for stage runs so that they always run the same, up-to-date code.
  public static var executablePath: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  /// OpenBLAS's configuration string.
  public static var blasConfiguration: String { BLASRuntime.configuration }
}
