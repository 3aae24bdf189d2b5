import Foundation

/// Loads YAML manifests: finds the file, parses it with locations, and resolves `extends:` by deep merge.
///
/// Generic: it knows nothing about what the manifest means. Rules (PIPELINE.md §2):
/// * A relative path is looked up in the base folder (the working directory for a manifest named on the
///   command line, the referring file's folder for `extends:` and listed files), then in `Pipelines/`.
/// * `extends: PATH` merges the referring file over the extended one: mappings merge key by key, recursively,
///   and the child wins; sequences and scalars are replaced whole. Chains are followed; cycles are errors.
public struct ManifestLoader: Sendable {
  /// The folder a manifest path from the command line is relative to first.
  public var workingDirectory: URL
  /// The folder relative paths fall back to (the command layer passes `<cwd>/Pipelines`).
  public var pipelinesDirectory: URL

  /// The key that names the manifest a file extends.
  public static let extendsKey = "extends"

  /// Creates a loader.
  public init(workingDirectory: URL, pipelinesDirectory: URL) {
    self.workingDirectory = workingDirectory
    self.pipelinesDirectory = pipelinesDirectory
  }

  /// Loads the manifest at `path` (relative to the working directory, then `Pipelines/`) with its extends chain.
  public func load(_ path: String) throws -> LoadedManifest {
    try load(path, relativeTo: workingDirectory, referencedFrom: nil)
  }

  /// Loads a manifest that another file refers to: `path` is relative to `base` (that file's folder), then to
  /// `Pipelines/`; errors point at `referencedFrom`.
  public func load(_ path: String, relativeTo base: URL, referencedFrom: SourceLocation?) throws -> LoadedManifest {
    let url = try resolve(path, relativeTo: base, referencedFrom: referencedFrom)
    var chain: [URL] = []
    let root = try loadMerged(url, chain: &chain, referencedFrom: referencedFrom)
    return LoadedManifest(url: url, root: root, chain: chain)
  }

  /// The file `path` names: absolute as is; relative against `base`, then against `pipelinesDirectory`.
  public func resolve(_ path: String, relativeTo base: URL, referencedFrom: SourceLocation? = nil) throws -> URL {
    let candidates = path.hasPrefix("/")
      ? [URL(fileURLWithPath: path)]
      : [base.appendingPathComponent(path), pipelinesDirectory.appendingPathComponent(path)]
    let standardized = candidates.map(\.standardizedFileURL)
    var isDirectory: ObjCBool = false
    for url in standardized where FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      if !isDirectory.boolValue { return url }
    }
    throw ManifestError.fileNotFound(
      path: path, lookedIn: standardized.map(\.path).uniqued(), referencedFrom: referencedFrom)
  }

  private func loadMerged(_ url: URL, chain: inout [URL], referencedFrom: SourceLocation?) throws -> ManifestNode {
    let root = try parseFile(url)
    chain.append(url)
    guard let entry = root.entry(Self.extendsKey) else { return root }
    guard case .scalar(let scalar) = entry.value.content, !scalar.isNull else {
      throw ManifestError.typeMismatch(
        entry.value.location, path: Self.extendsKey, expected: "a file path", found: entry.value.shapeDescription)
    }
    let parentURL = try resolve(
      scalar.text, relativeTo: url.deletingLastPathComponent(), referencedFrom: entry.value.location)
    if chain.contains(parentURL) {
      throw ManifestError.extendsCycle(entry.value.location, chain: (chain + [parentURL]).map(\.path))
    }
    let parent = try loadMerged(parentURL, chain: &chain, referencedFrom: entry.value.location)
    return Self.merge(parent, with: root.removing(key: Self.extendsKey))
  }

  /// Reads and parses one file: a regular file of at most `InputLimits.manifestBytes`, UTF-8, whose YAML
  /// expands to at most `InputLimits.manifestNodes` nodes.
  private func parseFile(_ url: URL) throws -> ManifestNode {
    let data: Data
    do {
      data = try InputLimits.readRegularFile(url, limit: InputLimits.manifestBytes, what: "a manifest")
    } catch {
      switch error {
      case .notRegular(let type): throw ManifestError.notRegularFile(path: url.path, type: type)
      case .tooLarge(let bytes, let limit, _):
        throw ManifestError.limitExceeded(
          SourceLocation(file: url.path, line: 1, column: 1),
          reason: "the manifest is \(bytes) bytes, over the limit of \(InputLimits.describe(bytes: limit)) "
            + "(a limit against wrong or runaway files; the largest committed manifest is under 4 KiB); "
            + "check that this is a manifest, or split it with extends:")
      case .cannotRead(let reason): throw ManifestError.unreadable(path: url.path, reason: reason)
      }
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ManifestError.unreadable(path: url.path, reason: "not valid UTF-8")
    }
    guard let root = try ManifestNode.parse(yaml: text, file: url.path) else {
      throw ManifestError.emptyDocument(file: url.path)
    }
    guard case .mapping = root.content else {
      throw ManifestError.typeMismatch(root.location, path: "", expected: "a mapping", found: root.shapeDescription)
    }
    return root
  }

  /// Deep merge: two mappings merge key by key (the child's value merged over the base's, base keys first, then
  /// the child's new keys); anything else is replaced by the child.
  public static func merge(_ base: ManifestNode, with child: ManifestNode) -> ManifestNode {
    guard case .mapping(let baseEntries) = base.content, case .mapping(let childEntries) = child.content else {
      return child
    }
    var merged = baseEntries.map { entry in
      guard let override = childEntries.first(where: { $0.key == entry.key }) else { return entry }
      return ManifestEntry(
        key: entry.key, keyLocation: override.keyLocation, value: merge(entry.value, with: override.value))
    }
    merged += childEntries.filter { entry in !baseEntries.contains { $0.key == entry.key } }
    return ManifestNode(.mapping(merged), at: child.location)
  }
}

extension ManifestNode {
  /// This mapping without `key` (other nodes unchanged).
  func removing(key: String) -> ManifestNode {
    guard case .mapping(let entries) = content else { return self }
    return ManifestNode(.mapping(entries.filter { $0.key != key }), at: location)
  }
}

extension Array where Element: Hashable {
  fileprivate func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
