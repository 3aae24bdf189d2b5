import CProcess
import Foundation

/// Ties a stage process's life to the orchestrator that started it.
public enum ParentWatch {
  /// When started by `amf-pipeline` (`AMF_PARENT_PID` set), asks the kernel to kill this process if
  /// the orchestrator dies, so a `kill -9` of the orchestrator leaves no orphan writing to the store.
  /// Returns false when the orchestrator is already gone (the caller should exit).
  public static func dieWithParent() -> Bool {
    guard let text = ProcessInfo.processInfo.environment["AMF_PARENT_PID"], let parent = Int32(text) else {
      return true
    }
    _ = amf_kill_when_parent_dies()
    return getppid() == parent
  }
}
