/// The stage runs of a plan as a checked DAG with one deterministic order.
///
/// Edges are implied by `InputReference`s. `order` is a topological order in which ties go to the run
/// that comes first in the expander's list, so every call on the same plan gives the same order.
public struct StageGraph: Sendable {
  /// The runs, in topological order.
  public let order: [StageRunSpec]
  /// Index of each run name in `order`.
  public let position: [String: Int]
  /// For each run, the names of the runs it reads from (deduplicated, in `order`).
  public let upstream: [String: [String]]
  /// For each run, the names of the runs that read from it.
  public let downstream: [String: [String]]

  /// Checks names, references and acyclicity, and orders the runs.
  public init(_ runs: [StageRunSpec]) throws(PipelineError) {
    var index: [String: Int] = [:]
    for (offset, run) in runs.enumerated() {
      if index[run.name] != nil { throw PipelineError.duplicateRun(name: run.name) }
      index[run.name] = offset
    }
    var parents: [String: Set<String>] = [:]
    var children: [String: Set<String>] = [:]
    for run in runs {
      try Self.checkFiles(of: run)
      for role in run.inputs.keys.sorted() {
        guard let reference = run.inputs[role] else { continue }
        guard let producer = index[reference.run], runs[producer].outputRoles.contains(reference.role) else {
          throw PipelineError.unknownInput(run: run.name, role: role, reference: reference)
        }
        parents[run.name, default: []].insert(reference.run)
        children[reference.run, default: []].insert(run.name)
      }
    }
    // Kahn's algorithm; the ready set is kept sorted by the expander's index.
    var remaining = runs.map { parents[$0.name]?.count ?? 0 }
    var ready = runs.indices.filter { remaining[$0] == 0 }
    var ordered: [StageRunSpec] = []
    while !ready.isEmpty {
      let next = ready.removeFirst()
      ordered.append(runs[next])
      for child in children[runs[next].name] ?? [] {
        guard let childIndex = index[child] else { continue }
        remaining[childIndex] -= 1
        if remaining[childIndex] == 0 {
          let insertAt = ready.firstIndex { $0 > childIndex } ?? ready.endIndex
          ready.insert(childIndex, at: insertAt)
        }
      }
    }
    if ordered.count < runs.count {
      throw PipelineError.cycle(path: Self.findCycle(runs: runs, parents: parents, remaining: remaining))
    }
    order = ordered
    var positions: [String: Int] = [:]
    for (offset, run) in ordered.enumerated() { positions[run.name] = offset }
    position = positions
    upstream = parents.mapValues { $0.sorted { positions[$0, default: 0] < positions[$1, default: 0] } }
    downstream = children.mapValues { $0.sorted { positions[$0, default: 0] < positions[$1, default: 0] } }
  }

  /// Throws `PipelineError.invalidFileInput` for a file input whose role is also a producer's input, whose
  /// path is not absolute, or whose pinned hash is not a SHA-256. A file input has no producer run: it is
  /// no edge of the graph.
  private static func checkFiles(of run: StageRunSpec) throws(PipelineError) {
    for (role, file) in run.files.sorted(by: { $0.key < $1.key }) {
      if run.inputs[role] != nil {
        throw PipelineError.invalidFileInput(
          run: run.name, role: role, reason: "is also another run's output; a role reads one of them")
      }
      guard file.path.hasPrefix("/"), !file.path.contains("\0") else {
        throw PipelineError.invalidFileInput(
          run: run.name, role: role, reason: "has path '\(file.path)'; file inputs need an absolute path")
      }
      guard LockFile.isHash(file.contentHash) else {
        throw PipelineError.invalidFileInput(
          run: run.name, role: role, reason: "has content hash '\(file.contentHash)', not a SHA-256 (64 lowercase hex digits)")
      }
    }
  }

  /// A cycle among the runs Kahn's algorithm could not order, as a closed path of names.
  private static func findCycle(runs: [StageRunSpec], parents: [String: Set<String>], remaining: [Int]) -> [String] {
    let stuck = Set(runs.indices.filter { remaining[$0] > 0 }.map { runs[$0].name })
    guard var current = runs.first(where: { stuck.contains($0.name) })?.name else { return [] }
    var path: [String] = []
    var seen: [String: Int] = [:]
    while seen[current] == nil {
      seen[current] = path.count
      path.append(current)
      guard let next = parents[current]?.filter({ stuck.contains($0) }).sorted().first else { break }
      current = next
    }
    let start = seen[current] ?? 0
    return Array(path[start...].reversed()) + [path[start...].reversed().first ?? current]
  }

  /// The run named `name`.
  public func run(named name: String) -> StageRunSpec? {
    position[name].map { order[$0] }
  }

  /// `names` and every run downstream of them, in order.
  public func closure(downstreamOf names: Set<String>) -> [String] {
    var selected = names
    for run in order where !selected.contains(run.name) {
      if run.inputs.values.contains(where: { selected.contains($0.run) }) { selected.insert(run.name) }
    }
    return order.map(\.name).filter { selected.contains($0) }
  }

  /// `names` and every run they read from, directly or not, in graph order.
  public func closure(upstreamOf names: Set<String>) -> [String] {
    var selected = names
    for run in order.reversed() where selected.contains(run.name) {
      for reference in run.inputs.values { selected.insert(reference.run) }
    }
    return order.map(\.name).filter { selected.contains($0) }
  }
}
