/// The scheduling state of one `Executor.run`: which runs wait, which finished with which outputs, and
/// how each ended. Pure bookkeeping (no I/O, no processes), so its decisions are tested directly.
///
/// A waiting run is launched once every producer has finished; its key is computed then, once
/// (`ResolvedRun`). A run whose producer did not succeed is skipped, naming that producer.
struct Schedule {
  /// A run ready to execute.
  struct Launch: Equatable {
    var run: ResolvedRun
    var forced: Bool
  }

  let graph: StageGraph
  /// Runs with known outputs: up to date before the run, or executed successfully during it.
  private(set) var finished: [String: FinishedRun]
  /// How each run ended so far.
  private(set) var outcomes: [String: RunOutcome] = [:]
  /// Stale runs not launched yet, in graph order.
  private(set) var waiting: [(name: String, forced: Bool)] = []
  /// Stale runs at the start.
  let total: Int
  /// Runs launched so far.
  private(set) var started = 0

  /// The schedule of `states` (in graph order): up-to-date runs are finished, stale ones wait.
  init(graph: StageGraph, states: [(name: String, state: RunState)]) {
    self.graph = graph
    finished = FinishedRun.upToDate(states, graph: graph)
    for (name, state) in states {
      switch state {
      case .upToDate: outcomes[name] = .upToDate
      case .stale(let reason, _): waiting.append((name, reason == .forced))
      }
    }
    total = waiting.count
  }

  /// The first waiting run whose inputs are all known, resolved and removed from the waiting list;
  /// waiting runs behind a producer that did not succeed are skipped on the way. Nil when none is ready.
  mutating func nextLaunch() -> Launch? {
    var index = 0
    while index < waiting.count {
      let (name, forced) = waiting[index]
      guard let spec = graph.run(named: name) else {
        waiting.remove(at: index)
        continue
      }
      if let blocker = failedProducer(of: spec) {
        outcomes[name] = .skipped(reason: "upstream \(blocker) did not succeed")
        waiting.remove(at: index)
        continue
      }
      guard let run = ResolvedRun.resolving(spec, outputs: { finished[$0]?.outputs }) else {
        index += 1
        continue
      }
      waiting.remove(at: index)
      started += 1
      return Launch(run: run, forced: forced)
    }
    return nil
  }

  /// Records that `run` executed and left `outputs` at its key.
  mutating func succeed(_ run: ResolvedRun, outputs: [String: String], outcome: RunOutcome) {
    finished[run.spec.name] = FinishedRun(run: run, outputs: outputs)
    outcomes[run.spec.name] = outcome
  }

  /// Records that `run` failed with `error`.
  mutating func fail(_ run: ResolvedRun, error: any Error) {
    if case PipelineError.stageFailed(_, let code, let log) = error {
      outcomes[run.spec.name] = .failed(exitCode: code, log: log)
    } else {
      outcomes[run.spec.name] = .errored(message: "\(error)")
    }
  }

  /// Gives every run still waiting its reason for not running: a failed producer, the interrupt, or an
  /// earlier failure without `--keep-going`.
  mutating func skipWaiting(interrupted: Bool) {
    for (name, _) in waiting where outcomes[name] == nil {
      let blocker = graph.run(named: name).flatMap(failedProducer)
      if let blocker, !interrupted {
        outcomes[name] = .skipped(reason: "upstream \(blocker) did not succeed")
      } else {
        outcomes[name] = .skipped(reason: interrupted ? "interrupted" : "not started after a failure")
      }
    }
  }

  /// Every run's outcome in graph order (`not planned` for runs `states` did not list).
  var orderedOutcomes: [(name: String, outcome: RunOutcome)] {
    graph.order.map { ($0.name, outcomes[$0.name] ?? .skipped(reason: "not planned")) }
  }

  /// The producer of `spec`'s first input role (in sorted role order) that ended without usable outputs.
  private func failedProducer(of spec: StageRunSpec) -> String? {
    spec.inputs.keys.sorted().lazy.compactMap { spec.inputs[$0]?.run }
      .first { outcomes[$0].map { !$0.isSuccess } ?? false }
  }
}
