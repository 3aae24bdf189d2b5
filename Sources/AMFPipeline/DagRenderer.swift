import AMFCore
import Foundation

/// How `dag` prints a graph.
public enum DagFormat: String, CaseIterable, Sendable {
  /// One run per line with its inputs indented below it, for people.
  case text
  /// Graphviz.
  case dot
  /// A Mermaid flowchart, for Markdown.
  case mermaid
  /// The JSON plan, for machines.
  case json
}

/// Renders a stage graph for people (text), Graphviz (dot), Mermaid, or machines (the JSON plan).
public enum DagRenderer {
  /// The graph in `format`.
  public static func render(_ graph: StageGraph, name: String, format: DagFormat) throws -> String {
    switch format {
    case .text: return text(graph)
    case .dot: return dot(graph, name: name)
    case .mermaid: return mermaid(graph)
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
      return String(decoding: try encoder.encode(PlanFile(name: name, runs: graph.order)), as: UTF8.self)
    }
  }

  static func text(_ graph: StageGraph) -> String {
    graph.order.map { run in
      let inputs = Set(run.inputs.keys).union(run.files.keys).sorted().compactMap { role in
        run.inputs[role].map { "\(role) ← \($0.run).\($0.role)" } ?? run.files[role].map { "\(role) ← file \($0.path)" }
      }
      return inputs.isEmpty ? run.name : "\(run.name)\n    " + inputs.joined(separator: "\n    ")
    }.joined(separator: "\n")
  }

  static func dot(_ graph: StageGraph, name: String) -> String {
    var lines = ["digraph \"\(name)\" {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
    for run in graph.order { lines.append("  \"\(run.name)\";") }
    for path in files(of: graph) { lines.append("  \"\(path)\" [shape=note];") }
    for run in graph.order {
      for role in run.inputs.keys.sorted() {
        if let reference = run.inputs[role] {
          lines.append("  \"\(reference.run)\" -> \"\(run.name)\" [label=\"\(role)\"];")
        }
      }
      for role in run.files.keys.sorted() {
        if let file = run.files[role] { lines.append("  \"\(file.path)\" -> \"\(run.name)\" [label=\"\(role)\"];") }
      }
    }
    lines.append("}")
    return lines.joined(separator: "\n")
  }

  static func mermaid(_ graph: StageGraph) -> String {
    var identifiers: [String: String] = [:]
    for (index, run) in graph.order.enumerated() { identifiers[run.name] = "n\(index)" }
    var lines = ["graph LR"]
    for run in graph.order { lines.append("  \(identifiers[run.name] ?? "")[\"\(run.name)\"]") }
    var fileIdentifiers: [String: String] = [:]
    for (index, path) in files(of: graph).enumerated() {
      fileIdentifiers[path] = "f\(index)"
      lines.append("  f\(index)[/\"\(path)\"/]")
    }
    for run in graph.order {
      for role in run.inputs.keys.sorted() {
        if let reference = run.inputs[role], let from = identifiers[reference.run], let to = identifiers[run.name] {
          lines.append("  \(from) -->|\(role)| \(to)")
        }
      }
      for role in run.files.keys.sorted() {
        if let file = run.files[role], let from = fileIdentifiers[file.path], let to = identifiers[run.name] {
          lines.append("  \(from) -->|\(role)| \(to)")
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  /// The paths of every file input of `graph`, sorted.
  static func files(of graph: StageGraph) -> [String] {
    Set(graph.order.flatMap { $0.files.values.map(\.path) }).sorted()
  }
}
