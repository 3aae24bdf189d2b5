/// Errors of manifest loading and decoding; each message is `file:line:column: what is wrong; how to fix`.
public enum ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A manifest (or a file it extends or lists) exists in none of the places looked.
  case fileNotFound(path: String, lookedIn: [String], referencedFrom: SourceLocation?)
  /// A file exists but cannot be read as UTF-8 text.
  case unreadable(path: String, reason: String)
  /// The file is empty or holds only comments.
  case emptyDocument(file: String)
  /// The YAML itself is malformed.
  case syntax(SourceLocation, problem: String)
  /// `extends:` leads back to a file already in the chain (the chain ends with the repeated file).
  case extendsCycle(SourceLocation, chain: [String])
  /// A key the schema does not know; `suggestion` is the closest allowed key, if one is close.
  case unknownKey(SourceLocation, path: String, allowed: [String], suggestion: String?)
  /// A value of the wrong shape or type at `path` (e.g. `budget.demos`).
  case typeMismatch(SourceLocation, path: String, expected: String, found: String)
  /// A required key is absent from the mapping at `path` (empty for the top level).
  case missingKey(SourceLocation, path: String, key: String)
  /// A value of the right type that the schema rejects.
  case invalidValue(SourceLocation, path: String, reason: String)
  /// A mapping has `key` twice; the location is the second one, `firstLine` the line of the first.
  case duplicateKey(SourceLocation, key: String, firstLine: Int)
  /// The path names a FIFO, a device, a socket or a folder (`type` says which), refused before reading.
  case notRegularFile(path: String, type: String)
  /// The file, or what it expands to, is over a limit of `InputLimits`; `reason` names the measure, the
  /// limit, why it exists and the fix.
  case limitExceeded(SourceLocation, reason: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path, let lookedIn, let from):
      (from.map { "\($0): " } ?? "") + "manifest '\(path)' not found; looked in "
        + lookedIn.joined(separator: " and ") + "; check the path"
    case .unreadable(let path, let reason):
      "\(path): cannot read the manifest (\(reason)); check that it is a UTF-8 text file"
    case .emptyDocument(let file):
      "\(file):1:1: the manifest is empty; write a YAML mapping such as 'name: …'"
    case .syntax(let location, let problem):
      "\(location): YAML syntax error: \(problem); fix the YAML at this position"
    case .extendsCycle(let location, let chain):
      "\(location): 'extends' forms a cycle (\(chain.joined(separator: " → "))); remove one of the extends"
    case .unknownKey(let location, let path, let allowed, let suggestion):
      "\(location): unknown key '\(path)'; "
        + (suggestion.map { "did you mean '\($0)'? " } ?? "")
        + "allowed keys here: \(allowed.joined(separator: ", "))"
    case .typeMismatch(let location, let path, let expected, let found):
      "\(location): \(Self.field(path))expected \(expected), found \(found); write \(expected) here"
    case .missingKey(let location, let path, let key):
      "\(location): missing required key '\(path.isEmpty ? key : path + "." + key)'; add it"
    case .invalidValue(let location, let path, let reason):
      "\(location): invalid value for '\(path)': \(reason)"
    case .duplicateKey(let location, let key, let firstLine):
      "\(location): duplicate key '\(key)' (first written at line \(firstLine)); keep one of them"
    case .notRegularFile(let path, let type):
      "\(path): not a regular file (\(type)); give the path of a YAML manifest file"
    case .limitExceeded(let location, let reason):
      "\(location): \(reason)"
    }
  }

  private static func field(_ path: String) -> String { path.isEmpty ? "" : "'\(path)': " }
}
