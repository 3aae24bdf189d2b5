import Foundation

extension LockFile {
  /// The lock format this build reads and writes.
  public static let supportedSchema = 1

  /// A field of a lock that is missing, mistyped or out of range: the field's path, what is wrong and how
  /// to fix it, e.g. `stages["seed-0"].seed is -1, outside 0…2^53 …; …`.
  struct FieldError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// A missing or mistyped field.
    init(field: String, expected: String) {
      description = "\(field) is missing or not \(expected); \(Self.fix)"
    }

    /// A value outside its allowed range.
    init(field: String, value: String, limit: String) {
      description = "\(field) is \(value), \(limit); \(Self.fix)"
    }

    static let fix = "correct it, or delete the lock to start afresh (finished runs are found again in the store)"
  }

  /// Builds a lock from parsed JSON (the fast path of `read`; `JSONDecoder` is the slow one), checking
  /// every field before it is converted or turned into a path.
  ///
  /// Checks: `schema` is `supportedSchema`; `report_folder` is a relative path inside the lock's folder;
  /// per stage, `key` and every input and output hash are 64 lowercase hex digits, `files` (if present)
  /// maps roles to non-empty paths, output roles are plain
  /// names (they become file names), `stage_version` is in 0…Int32.max and `seed` in 0…2^53 (it is
  /// read through a JSON number, a `Double`, which holds integers exactly only up to 2^53).
  init(json: JSONValue) throws {
    guard case .object(let root) = json else { throw FieldError(field: "the lock", expected: "a JSON object") }
    let schema = try Self.integer(root["schema"], field: "schema", range: 0...Double(Int32.max))
    guard schema == Double(Self.supportedSchema) else {
      let newer = schema > Double(Self.supportedSchema)
      throw FieldError(
        "lock schema \(Int(schema)) is \(newer ? "newer than" : "not one") this build reads (\(Self.supportedSchema)); "
          + (newer ? "update amf to the version that wrote it, or " : "") + "delete the lock to start afresh")
    }
    guard case .string(let manifest)? = root["manifest"] else {
      throw FieldError(field: "manifest", expected: "a string")
    }
    self.init(manifest: manifest)
    switch root["report_folder"] {
    case nil, .null?: break
    case .string(let folder)?: reportFolder = try Self.relativeFolder(folder, field: "report_folder")
    default: throw FieldError(field: "report_folder", expected: "a string")
    }
    guard case .object(let entries)? = root["stages"] else { throw FieldError(field: "stages", expected: "an object") }
    for (name, value) in entries {
      stages[name] = try Self.entry(value, field: "stages[\(Self.quoted(name))]")
    }
  }

  private static func entry(_ value: JSONValue, field: String) throws -> Entry {
    guard case .object(let entry) = value else { throw FieldError(field: field, expected: "an object") }
    guard case .string(let kind)? = entry["kind"] else { throw FieldError(field: "\(field).kind", expected: "a string") }
    let version = try integer(entry["stage_version"], field: "\(field).stage_version", range: 0...Double(Int32.max))
    let seed = try integer(
      entry["seed"], field: "\(field).seed", range: 0...Double(InputLimits.maxSeed),
      limit: "outside 0…2^53 = \(InputLimits.maxSeed) (a seed is read through a JSON number, exact only up to 2^53)")
    let outputs = try hashes(entry["outputs"], field: "\(field).outputs")
    for role in outputs.keys where !isPlainName(role) {
      throw FieldError(
        field: "\(field).outputs", value: "the role \(quoted(role))",
        limit: "not a plain name (letters, digits, '_' and '-'; it becomes part of a file name in the store)")
    }
    return Entry(
      kind: kind, key: try hash(entry["key"], field: "\(field).key"), stageVersion: Int(version),
      seed: UInt64(seed), params: entry["params"] ?? .null, inputs: try hashes(entry["inputs"], field: "\(field).inputs"),
      outputs: outputs, files: try files(entry["files"], field: "\(field).files"))
  }

  /// The optional `files` of an entry: role → path. The paths are only shown (nothing reads them), but they
  /// must be text without NUL bytes.
  private static func files(_ value: JSONValue?, field: String) throws -> [String: String] {
    guard let value else { return [:] }
    guard case .object(let map) = value else { throw FieldError(field: field, expected: "an object") }
    var result: [String: String] = [:]
    for (role, pathValue) in map {
      guard case .string(let path) = pathValue, !path.isEmpty, !path.contains("\0") else {
        throw FieldError(field: "\(field)[\(quoted(role))]", expected: "a file path")
      }
      result[role] = path
    }
    return result
  }

  /// An integral number in `range`, as a `Double` that converts to `Int`/`UInt64` without a trap.
  private static func integer(_ value: JSONValue?, field: String, range: ClosedRange<Double>, limit: String? = nil)
    throws -> Double
  {
    guard case .number(let number)? = value else { throw FieldError(field: field, expected: "an integer") }
    guard number.isFinite, number == number.rounded() else {
      throw FieldError(field: field, value: describe(number), limit: "not an integer")
    }
    guard range.contains(number) else {
      throw FieldError(
        field: field, value: describe(number),
        limit: limit ?? "outside \(describe(range.lowerBound))…\(describe(range.upperBound))")
    }
    return number
  }

  /// A content hash or key: 64 lowercase hex digits.
  private static func hash(_ value: JSONValue?, field: String) throws -> String {
    guard case .string(let text)? = value else { throw FieldError(field: field, expected: "a string") }
    guard isHash(text) else {
      throw FieldError(field: field, value: quoted(text), limit: "not a SHA-256 (64 lowercase hex digits)")
    }
    return text
  }

  private static func hashes(_ value: JSONValue?, field: String) throws -> [String: String] {
    guard case .object(let map)? = value else { throw FieldError(field: field, expected: "an object") }
    var result: [String: String] = [:]
    for (role, hashValue) in map { result[role] = try hash(hashValue, field: "\(field)[\(quoted(role))]") }
    return result
  }

  /// `folder` when it is a relative path that stays inside the lock's folder: not empty, not absolute, no
  /// `..` component, and not the lock's folder itself.
  static func relativeFolder(_ folder: String, field: String) throws -> String {
    let components = folder.split(separator: "/", omittingEmptySubsequences: true)
    guard !folder.hasPrefix("/"), !folder.contains("\0"), !components.contains(".."),
      components.contains(where: { $0 != "." })
    else {
      throw FieldError(
        field: field, value: quoted(folder),
        limit: "not a folder inside the lock's folder (a relative path without '..', e.g. \"study.report\")")
    }
    return folder
  }

  /// Whether `text` is 64 lowercase hex digits.
  public static func isHash(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }

  /// Whether `name` is usable in a file name: letters, digits, `_` and `-`, not empty.
  public static func isPlainName(_ name: String) -> Bool {
    !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-".unicodeScalars.contains($0)) }
  }

  /// `"text"` with quotes and backslashes escaped, at most 80 characters of it.
  static func quoted(_ text: String) -> String {
    let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
    return "\"" + shown.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// A number as written: `-1`, `1e+300`, `0.5`.
  static func describe(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 0x1p62 ? String(Int64(number)) : "\(number)"
  }
}
