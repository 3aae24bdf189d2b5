import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Ties a stage process's life to the orchestrator that started it.
///
/// A watchdog thread polls the parent process id every 50 ms and kills this process when the orchestrator is
/// gone, so a `kill -9` of the orchestrator leaves no orphan writing to the store. Not `PR_SET_PDEATHSIG`: the
/// kernel sends that signal when the *thread* that spawned the child exits, and the orchestrator spawns
/// children from pool threads that the runtime retires while the child still runs (a long pre-training was
/// killed after about 5 s that way).
public enum ParentWatch {
  /// The polling interval.
  public static let interval: TimeInterval = 0.05

  /// When started by `amf-pipeline` (`AMF_PARENT_PID` set), starts the watchdog. Returns false when the
  /// orchestrator is already gone (the caller should exit).
  public static func dieWithParent() -> Bool {
    guard let text = ProcessInfo.processInfo.environment["AMF_PARENT_PID"], let parent = Int32(text) else {
      return true
    }
    guard getppid() == parent else { return false }
    let thread = Thread {
      while getppid() == parent { Thread.sleep(forTimeInterval: interval) }
      kill(getpid(), SIGKILL)
    }
    thread.start()
    return true
  }
}
