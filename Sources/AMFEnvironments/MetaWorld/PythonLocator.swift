import Foundation

/// Finds the Python that runs the Meta-World bridge.
public enum PythonLocator {
  /// The variable that names the Python executable directly.
  public static let variable = "AMF_METAWORLD_PYTHON"
  /// The virtual environment `Scripts/setup.sh --metaworld` creates at the repository's top.
  public static let venvPath = ".venv-metaworld/bin/python"

  /// `$AMF_METAWORLD_PYTHON`, else `.venv-metaworld/bin/python` in the working directory or one of its
  /// parents, else in a parent of the running executable (Slurm runs a copy inside the store).
  ///
  /// Edge cases: throws `BridgeError.launchFailed` naming every place looked at and the fix.
  public static func metaWorldPython(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
    executable: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  ) throws -> URL {
    if let named = environment[variable], !named.isEmpty {
      guard FileManager.default.isExecutableFile(atPath: named) else {
        throw BridgeError.launchFailed(
          "the Meta-World bridge", reason: "\(variable)=\(named) is not an executable file; point it at a Python "
            + "with Meta-World 3.1.1, or unset it and run `bash Scripts/setup.sh --metaworld`")
      }
      return URL(fileURLWithPath: named)
    }
    var searched: [String] = []
    for start in [workingDirectory, executable.deletingLastPathComponent()] {
      var folder = start.standardizedFileURL
      while true {
        let candidate = folder.appendingPathComponent(venvPath)
        searched.append(candidate.path)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { break }
        folder = parent
      }
    }
    throw BridgeError.launchFailed(
      "the Meta-World bridge", reason: "no Python with Meta-World found (looked for \(venvPath) above "
        + "\(workingDirectory.path) and above the executable); run `bash Scripts/setup.sh --metaworld` in the "
        + "repository, or set \(variable) to a Python with metaworld==3.1.1 and mujoco==3.3.0")
  }
}
