import AMFArtifacts

/// A task as a foreign file labels it: an integer id or a name that a task map resolves.
enum TaskLabel: Equatable, Sendable {
  case id(Int)
  case name(String)

  /// The text a task map is keyed by.
  var text: String {
    switch self {
    case .id(let value): String(value)
    case .name(let value): value
    }
  }

  /// Reads a scalar (or first element of a constant vector) integer or string array.
  init?(_ array: ArtifactArray) {
    switch array.elements {
    case .int64(let values) where !values.isEmpty && Set(values).count == 1: self = .id(Int(values[0]))
    case .int32(let values) where !values.isEmpty && Set(values).count == 1: self = .id(Int(values[0]))
    case .uint8(let values) where !values.isEmpty && Set(values).count == 1: self = .id(Int(values[0]))
    case .string(let values) where !values.isEmpty && Set(values).count == 1: self = .name(values[0])
    default: return nil
    }
  }
}

/// One episode of a foreign file mapped onto amf's rows, before it is checked against an environment.
struct RecordedEpisode: Sendable {
  /// The episode's group name in the file (`demo_3`, `episode_3`).
  var name: String
  /// The observation keys concatenated, in order.
  var observationKeys: [String]
  /// Observation rows o_0 … o_{T−1}. Shapes: (T × observationWidth).
  var observations: Rows
  /// Action rows. Shapes: (T × actionWidth).
  var actions: Rows
  /// Rewards. Shapes: (T).
  var rewards: [Float]
  /// Episode-end flags. Shapes: (T).
  var dones: [Bool]
  /// The task label found in the file, if any.
  var task: TaskLabel?
  /// Whether the episode solved its task.
  var isSuccess: Bool
  /// The `source` attribute, when the file has one (amf's export writes it).
  var source: String?
  /// The `expert_noise_std` attribute, when the file has one.
  var expertNoiseStd: Double?
}

/// A row-major float32 matrix read from a foreign dataset. Shapes: (rows × width).
struct Rows: Sendable, Equatable {
  var values: [Float]
  var rows: Int
  var width: Int

  /// Reads a float32 or float64 (narrowed) dataset of rank 1 (width 1) or 2; other types are errors.
  init(_ array: ArtifactArray, file: String, object: String) throws(InteropError) {
    guard array.shape.count == 1 || array.shape.count == 2 else {
      throw InteropError.invalidValue(
        file: file, object: object, reason: "has shape \(array.shapeDescription), expected T or T×d",
        fix: "store one row per step")
    }
    rows = array.shape[0]
    width = array.shape.count == 2 ? array.shape[1] : 1
    switch array.elements {
    case .float32(let values): self.values = values
    case .float64(let values): self.values = values.map { Float($0) }
    default:
      throw InteropError.invalidValue(
        file: file, object: object, reason: "has type \(array.elementType.rawValue), expected float32 or float64",
        fix: "store observations and actions as floats")
    }
  }

  init(values: [Float], rows: Int, width: Int) {
    self.values = values
    self.rows = rows
    self.width = width
  }

  /// The first `count` rows.
  func prefix(rows count: Int) -> Rows {
    Rows(values: Array(values.prefix(count * width)), rows: count, width: width)
  }

  /// The rows of `parts` side by side: row t is part 0's row t, then part 1's, … (all have `rows` rows).
  static func concatenated(_ parts: [Rows]) -> Rows {
    let rows = parts.first?.rows ?? 0
    let width = parts.reduce(0) { $0 + $1.width }
    var values: [Float] = []
    values.reserveCapacity(rows * width)
    for row in 0..<rows {
      for part in parts { values += part.values[(row * part.width)..<((row + 1) * part.width)] }
    }
    return Rows(values: values, rows: rows, width: width)
  }
}

/// Reading helpers shared by the layouts.
enum ForeignTree {
  /// The numeric suffix of `name` after `prefix` (`demo_12` → 12), or nil.
  static func index(of name: String, prefix: String) -> Int? {
    guard name.hasPrefix(prefix) else { return nil }
    let digits = name.dropFirst(prefix.count)
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(digits)
  }

  /// Per-step flags from an integer, uint8 (h5py booleans) or float dataset: nonzero is true.
  static func flags(_ array: ArtifactArray, file: String, object: String) throws(InteropError) -> [Bool] {
    guard array.shape.count == 1 else {
      throw InteropError.invalidValue(
        file: file, object: object, reason: "has shape \(array.shapeDescription), expected T", fix: "store one flag per step")
    }
    switch array.elements {
    case .uint8(let values): return values.map { $0 != 0 }
    case .int64(let values): return values.map { $0 != 0 }
    case .int32(let values): return values.map { $0 != 0 }
    case .float32(let values): return values.map { $0 != 0 }
    case .float64(let values): return values.map { $0 != 0 }
    case .string:
      throw InteropError.invalidValue(
        file: file, object: object, reason: "is a string array", fix: "store flags as booleans or integers")
    }
  }

  /// A scalar attribute read as a number, or nil.
  static func number(_ array: ArtifactArray?) -> Double? {
    guard let array, array.elements.count == 1 else { return nil }
    switch array.elements {
    case .float32(let v): return Double(v[0])
    case .float64(let v): return v[0]
    case .int32(let v): return Double(v[0])
    case .int64(let v): return Double(v[0])
    case .uint8(let v): return Double(v[0])
    case .string: return nil
    }
  }

  /// A scalar string attribute, or nil.
  static func string(_ array: ArtifactArray?) -> String? {
    guard let array, array.elements.count == 1, case .string(let values) = array.elements else { return nil }
    return values[0]
  }

  /// The observation rows of `group` (a dataset, or a group of key datasets concatenated in `keys` order,
  /// default sorted by name). Returns the keys used.
  static func observations(
    _ group: ArtifactGroup, name: String, keys requested: [String]?, file: String, object: String
  ) throws(InteropError) -> (keys: [String], rows: Rows) {
    if let dataset = group.datasets[name] {
      if let requested, requested != [name] {
        throw InteropError.layout(
          file: file, object: object, format: "observation",
          reason: "is one dataset, so --obs-keys \(requested.joined(separator: ",")) does not apply; omit --obs-keys")
      }
      return ([name], try Rows(dataset, file: file, object: object))
    }
    guard let keysGroup = group.groups[name] else {
      throw InteropError.layout(file: file, object: object, format: "observation", reason: "missing")
    }
    if let nested = keysGroup.groups.keys.sorted().first {
      throw InteropError.invalidValue(
        file: file, object: "\(object)/\(nested)", reason: "nested observation groups are not supported",
        fix: "flatten the observation space, or export the keys you need as datasets")
    }
    let keys = requested ?? keysGroup.datasets.keys.sorted()
    var parts: [Rows] = []
    for key in keys {
      guard let dataset = keysGroup.datasets[key] else {
        throw InteropError.invalidValue(
          file: file, object: "\(object)/\(key)",
          reason: "no such observation key (keys: \(keysGroup.datasets.keys.sorted().joined(separator: ", ")))",
          fix: "name existing keys with --obs-keys")
      }
      parts.append(try Rows(dataset, file: file, object: "\(object)/\(key)"))
    }
    if let bad = parts.first(where: { $0.rows != parts[0].rows }) {
      throw InteropError.lengthMismatch(
        file: file, episode: object, field: "observation keys", found: bad.rows, expected: parts[0].rows,
        reason: "every observation key has one row per step")
    }
    return (keys, Rows.concatenated(parts))
  }
}
