import Yams

extension ManifestNode {
  /// The error for a mapping that has `key` twice, located at the second occurrence.
  ///
  /// Yams reports only the first occurrence (`first`, 1-based line and column in Unicode scalars), and
  /// its message is the whole document. In a block mapping the repeat is the next line at the same
  /// indentation that starts with the key, before the mapping ends (a less indented line); when none is
  /// found (a flow mapping such as `{a: 1, a: 2}`), the first occurrence is reported.
  static func duplicateKeyError(_ key: String, first: Mark, in yaml: String, file: String) -> ManifestError {
    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    let indent = first.column - 1
    var line = first.line
    while line < lines.count {
      let text = Substring.UnicodeScalarView(lines[line].unicodeScalars)
      line += 1
      let leading = text.prefix { $0 == " " }.count
      let rest = String(String.UnicodeScalarView(text.dropFirst(leading)))
      if rest.isEmpty || rest.hasPrefix("#") { continue }
      if leading < indent { break }
      if leading == indent, startsWithKey(key, rest) {
        return .duplicateKey(SourceLocation(file: file, line: line, column: first.column), key: key, firstLine: first.line)
      }
    }
    return .duplicateKey(SourceLocation(file: file, line: first.line, column: first.column), key: key, firstLine: first.line)
  }

  /// Whether `text` starts with `key` (plain or quoted) followed by optional spaces and `:`.
  private static func startsWithKey(_ key: String, _ text: String) -> Bool {
    for written in [key, "\"\(key)\"", "'\(key)'"] where text.hasPrefix(written) {
      let after = text.dropFirst(written.count).drop { $0 == " " }
      if after.hasPrefix(":") { return true }
    }
    return false
  }
}
