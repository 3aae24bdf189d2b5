import Foundation

/// The interop Python (`bash Scripts/setup.sh --interop` makes `.venv-interop`, or `AMF_INTEROP_PYTHON`
/// names one with the packages of Scripts/interop-requirements.txt); nil when absent, and then the tests that
/// need it are reported as skipped with the command that makes it.
public enum InteropPython {
  /// The interpreter's path, or nil.
  public static var path: String? {
    if let path = ProcessInfo.processInfo.environment["AMF_INTEROP_PYTHON"], !path.isEmpty { return path }
    let venv = Executables.repositoryRoot.appendingPathComponent(".venv-interop/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
  }
}
