/// A group of an artifact: attributes, child groups and datasets, each by name.
///
/// Paths are absolute and slash-separated (`"/data/demo_0/actions"`), relative to the group they are
/// used on. Names are non-empty, contain no `/` or NUL, and are not `.`.
public struct ArtifactGroup: Equatable, Sendable {
  /// Attributes of this group.
  public var attributes: [String: ArtifactArray] = [:]
  /// Child groups.
  public var groups: [String: ArtifactGroup] = [:]
  /// Datasets.
  public var datasets: [String: ArtifactArray] = [:]

  /// Creates an empty group.
  public init() {}

  // MARK: Paths

  /// Splits `"/a/b/c"` into `["a", "b", "c"]`, rejecting empty and reserved names.
  static func components(of path: String) throws(ArtifactError) -> [String] {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard path.hasPrefix("/"), path != "/" else {
      throw ArtifactError.invalidValue(file: "", object: path, reason: "paths are absolute, like /data/x")
    }
    let names = Array(parts.dropFirst())
    for name in names where !isValidName(name) {
      throw ArtifactError.invalidValue(
        file: "", object: path, reason: "'\(name)' is not a valid name (empty, '.', or has NUL)")
    }
    return names
  }

  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && !name.contains("/") && !name.utf8.contains(0)
  }

  /// The group at `path` (`"/"` is this group), or nil.
  public func group(at path: String) -> ArtifactGroup? {
    if path == "/" { return self }
    guard let names = try? Self.components(of: path) else { return nil }
    var current = self
    for name in names {
      guard let next = current.groups[name] else { return nil }
      current = next
    }
    return current
  }

  /// Stores `array` as the dataset at `path`, creating the groups on the way.
  public mutating func setDataset(_ array: ArtifactArray, at path: String) throws(ArtifactError) {
    let names = try Self.components(of: path)
    try Self.modify(&self, along: names.dropLast()) { $0.datasets[names[names.count - 1]] = array }
  }

  /// Stores `value` as attribute `name` of the group at `groupPath`, creating groups on the way.
  public mutating func setAttribute(_ name: String, _ value: ArtifactArray, onGroup groupPath: String = "/")
    throws(ArtifactError)
  {
    guard Self.isValidName(name) else {
      throw ArtifactError.invalidValue(file: "", object: "\(groupPath)@\(name)", reason: "invalid attribute name")
    }
    let names = groupPath == "/" ? [] : try Self.components(of: groupPath)
    try Self.modify(&self, along: names[...]) { $0.attributes[name] = value }
  }

  /// Creates (or keeps) the group at `path`.
  public mutating func ensureGroup(at path: String) throws(ArtifactError) {
    try Self.modify(&self, along: try Self.components(of: path)[...]) { _ in }
  }

  private static func modify(
    _ group: inout ArtifactGroup, along names: ArraySlice<String>, _ body: (inout ArtifactGroup) -> Void
  ) throws(ArtifactError) {
    guard let first = names.first else { return body(&group) }
    if group.datasets[first] != nil {
      throw ArtifactError.invalidValue(file: "", object: first, reason: "a dataset of that name exists")
    }
    var child = group.groups[first] ?? ArtifactGroup()
    try modify(&child, along: names.dropFirst(), body)
    group.groups[first] = child
  }

  // MARK: Reading

  /// The dataset at `path`; throws `missingObject` when absent.
  public func dataset(at path: String) throws(ArtifactError) -> ArtifactArray {
    let names = try Self.components(of: path)
    guard let parent = group(at: "/" + names.dropLast().joined(separator: "/")),
      let array = parent.datasets[names[names.count - 1]]
    else { throw ArtifactError.missingObject(file: "", object: "dataset \(path)") }
    return array
  }

  /// Attribute `name` of the group at `groupPath`; throws `missingObject` when absent.
  public func attribute(_ name: String, onGroup groupPath: String = "/") throws(ArtifactError) -> ArtifactArray {
    guard let value = group(at: groupPath)?.attributes[name] else {
      throw ArtifactError.missingObject(file: "", object: "attribute \(name) of \(groupPath)")
    }
    return value
  }

  /// Every dataset path under this group, sorted.
  public var datasetPaths: [String] {
    var paths: [String] = []
    visit(prefix: "") { path, group in
      paths += group.datasets.keys.map { "\(path)/\($0)" }
    }
    return paths.sorted()
  }

  /// Calls `body` for this group and every descendant, parents first, children in name order.
  func visit(prefix: String, _ body: (String, ArtifactGroup) -> Void) {
    body(prefix, self)
    for name in groups.keys.sorted() {
      if let child = groups[name] { child.visit(prefix: "\(prefix)/\(name)", body) }
    }
  }
}
