import AMFPipeline
import Foundation

/// The human-readable form of `amf-pipeline show`.
extension ArtifactSummary {
  /// The summary as text: a header, provenance, headline numbers, then the object tree.
  ///
  ///     artifact   Artifacts/store/ab/abcd….h5
  ///     kind       evaluation (schema 1)
  ///     content    sha256 abcd… (verified)
  ///     stage      evaluate v1, seed 0
  ///     ...
  ///     tree
  ///       /
  ///       └─ per_task/
  ///          ├─ success   float32  20        0.9, 1, 0.85, …
  public func text() -> String {
    var lines = [
      "artifact   \(path)",
      "kind       \(kind) (schema \(schemaVersion))",
      "content    sha256 \(contentSHA256) (verified)",
      "stage      \(provenance.stage) v\(provenance.stageVersion), seed \(provenance.seed)",
      "project    \(provenance.projectVersion)",
    ]
    let params = Self.prettyJSON(provenance.params).split(separator: "\n")
    lines.append("params     " + (params.first.map(String.init) ?? "{}"))
    lines += params.dropFirst().map { "           " + $0 }
    if provenance.inputs.isEmpty { lines.append("inputs     (none)") }
    let width = provenance.inputs.keys.map(\.count).max() ?? 0
    for (index, name) in provenance.inputs.keys.sorted().enumerated() {
      let label = index == 0 ? "inputs     " : "           "
      lines.append(label + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
        + (provenance.inputs[name] ?? ""))
    }
    if !headline.isEmpty {
      lines.append("headline")
      let nameWidth = headline.map(\.name.count).max() ?? 0
      for item in headline {
        lines.append("  " + item.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
          + Self.inline(item.value, limit: 32))
      }
    }
    lines.append("tree")
    lines += treeLines()
    return lines.joined(separator: "\n")
  }

  /// The object tree with box-drawing branches; datasets show type, shape and their first values.
  private func treeLines() -> [String] {
    var lines: [String] = []
    let byParent = Dictionary(grouping: objects.filter { $0.path != "/" }) { Self.parent(of: $0.path) }
    let nameWidth = objects.map { Self.name(of: $0.path).count }.max() ?? 0
    func walk(_ group: Object, indent: String) {
      let attributes = (group.attributes ?? [:]).sorted { $0.key < $1.key }
      let children = (byParent[group.path] ?? []).sorted { lhs, rhs in
        (lhs.object == "dataset" ? 0 : 1, lhs.path) < (rhs.object == "dataset" ? 0 : 1, rhs.path)
      }
      for (name, value) in attributes {
        let bar = children.isEmpty ? "   " : "│  "
        lines.append("\(indent)\(bar)@\(name) = \(Self.inline(value, limit: 8))")
      }
      for (index, child) in children.enumerated() {
        let last = index == children.count - 1
        let branch = indent + (last ? "└─ " : "├─ ")
        let name = Self.name(of: child.path)
        if child.object == "group" {
          lines.append(branch + name + "/")
          walk(child, indent: indent + (last ? "   " : "│  "))
        } else {
          let shape = child.shape.map { $0.isEmpty ? "scalar" : $0.map(String.init).joined(separator: "×") } ?? ""
          let preview = Self.inline(.array(child.preview ?? []), limit: Self.previewCount, total: child.shape)
          lines.append(branch + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
            + (child.type ?? "").padding(toLength: 7, withPad: " ", startingAt: 0) + "  "
            + shape.padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + preview)
        }
      }
    }
    if let root = objects.first(where: { $0.path == "/" }) {
      lines.append("  /")
      walk(root, indent: "  ")
    }
    return lines
  }

  private static func parent(of path: String) -> String {
    let parent = path.split(separator: "/").dropLast().joined(separator: "/")
    return "/" + parent
  }

  private static func name(of path: String) -> String { String(path.split(separator: "/").last ?? "") }

  /// A value on one line: numbers as `%g`, strings quoted, lists comma-separated with `…` when cut.
  static func inline(_ value: JSONValue, limit: Int, total: [Int]? = nil) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return String(flag)
    case .number(let number): return String(format: "%g", number)
    case .string(let text): return "\"\(text)\""
    case .object: return prettyJSON(value).replacingOccurrences(of: "\n", with: " ")
    case .array(let items):
      let count = total.map { $0.reduce(1, *) } ?? items.count
      let shown = items.prefix(limit).map { inline($0, limit: limit) }.joined(separator: ", ")
      return count > min(limit, items.count) ? shown + ", …" : shown
    }
  }

  private static func prettyJSON(_ value: JSONValue) -> String {
    if value == .object([:]) { return "{}" }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
  }
}
