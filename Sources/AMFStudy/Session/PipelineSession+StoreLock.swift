import AMFPipeline
import AMFStages
import Foundation

extension PipelineSession {
  /// Takes the store-wide lock shared for a `run` (`Store.useLock`), saying so through `log` when a `gc`
  /// holds it and the run has to wait for it.
  public func holdStoreForRun(log: (String) -> Void) throws -> Store.KeyLock {
    if let lock = try store.useLock(exclusive: false, wait: false) { return lock }
    log("waiting for a running `amf-pipeline gc` to finish with \(store.root.path)")
    guard let lock = try store.useLock(exclusive: false, wait: true) else {
      throw PipelineError.unreadable(path: store.root.path, reason: "could not lock the store")
    }
    return lock
  }
}
