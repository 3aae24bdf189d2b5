import AMFCore
import AMFPipeline
import AMFStages
import Foundation

/// What `show`, `verify` and `archive` need from a manifest, its lock and the store.
extension PipelineSession {
  /// The artifact `argument` names: an existing file, else a key prefix resolved in the store.
  public static func artifactURL(_ argument: String, storeFolder: String) throws -> URL {
    if FileManager.default.fileExists(atPath: argument) { return URL(fileURLWithPath: argument) }
    return try Store(root: URL(fileURLWithPath: storeFolder)).resolve(keyPrefix: argument)
  }

  /// The lock file of the manifest at `path` (resolved like any manifest), without loading the manifest.
  public static func lockURL(forManifest path: String, pipelinesFolder: String = "Pipelines") throws -> URL {
    guard let url = PlanLoader.resolve(path, pipelinesFolder: URL(fileURLWithPath: pipelinesFolder)) else {
      throw PipelineError.unreadable(
        path: path, reason: "no such manifest in the working directory or in \(pipelinesFolder)/")
    }
    return LockFile.url(forManifest: url)
  }

  /// The lock, which must exist: `verify` and `archive` have nothing to check without one.
  public func requireLock() throws -> LockFile {
    guard FileManager.default.fileExists(atPath: lockURL.path) else {
      throw PipelineError.missingLock(path: lockURL.path, reason: "run `amf-pipeline run \(manifestURL.path)` first")
    }
    return try lock
  }

  /// Rehashes every artifact the lock references, reading every byte (no hash cache), and checks the
  /// report folder the lock names.
  public func verify() throws -> LockVerifier.Report {
    let lock = try requireLock()
    var report = LockVerifier(store: store, hasher: ArtifactContentHasher(cacheFolder: nil)).verify(lock)
    report.findings += reportFolderFindings(lock)
    return report
  }

  /// The manifest files a run of this manifest reads: the manifest, every file it extends and, for a
  /// study, every arm with its extends chain. A `.plan.json` is just itself.
  public func manifestFiles(pipelinesFolder: String = "Pipelines") throws -> [URL] {
    guard manifestURL.pathExtension != "json" else { return [manifestURL] }
    let loader = ManifestLoader(
      workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
      pipelinesDirectory: URL(fileURLWithPath: pipelinesFolder))
    let loaded = try loader.load(manifestURL.path)
    var files = loaded.chain
    if case .sequence(let arms)? = loaded.root["arms"]?.content {
      for arm in arms {
        guard case .scalar(let scalar) = arm.content else { continue }
        let armFile = try loader.load(
          scalar.text, relativeTo: loaded.url.deletingLastPathComponent(), referencedFrom: arm.location)
        files += armFile.chain.filter { !files.contains($0) }
      }
    }
    return files.map(\.standardizedFileURL)
  }

  /// Everything a reproduction package of this manifest holds (PIPELINE.md §4): the manifest files, the
  /// files the runs read from outside the store (a recorded expert) and the lock under their paths
  /// relative to a common folder (the working directory when they are in it, so `extends:` and
  /// `expert.demonstrations` still resolve), every artifact and run record the lock references under
  /// `store/…` with their sidecar folders, and the report folder the lock names.
  ///
  /// Throws when the lock is missing, an artifact it references is missing, corrupt or not the one
  /// the lock recorded, or the report folder it names (or the report's sidecar folder) is missing: an
  /// archive is complete or not written.
  public func archiveMembers(pipelinesFolder: String = "Pipelines") throws -> [ArchiveBuilder.Member] {
    let lock = try requireLock()
    let inputFiles = Set(graph.order.flatMap { $0.files.values.map(\.url.standardizedFileURL) })
      .sorted { $0.path < $1.path }
    let sources = try manifestFiles(pipelinesFolder: pipelinesFolder) + inputFiles + [lockURL.standardizedFileURL]
    let base = Self.commonFolder(of: sources)
    var members = sources.map { ArchiveBuilder.Member(source: $0, path: Self.relative($0, to: base)) }
    for name in lock.stages.keys.sorted() {
      guard let entry = lock.stages[name] else { continue }
      let roles = entry.outputs.keys.sorted()
      for role in roles {
        let url = store.outputURL(key: entry.key, role: role, roles: roles)
        let found = try? hasher.contentHash(of: url)
        guard found == entry.outputs[role] else {
          let problem = found == nil ? "missing or corrupt" : "differs from the lock"
          throw PipelineError.archiveIncomplete(path: url.path, reason: "\(name) \(role): \(problem)")
        }
        members.append(storeMember(url))
        // The sidecar folder (a report's Markdown, CSV and plots): `verify` checks it in the archive too.
        let sidecar = SidecarFolder.url(for: url)
        if FileManager.default.fileExists(atPath: sidecar.path) {
          members.append(storeMember(sidecar))
        } else if name == Self.reportRun, lock.reportFolder != nil {
          throw PipelineError.archiveIncomplete(
            path: sidecar.path,
            reason: "\(name) \(role): its sidecar folder, which the report folder is copied from, is missing")
        }
      }
      members.append(storeMember(store.recordURL(key: entry.key)))
    }
    if let folder = reportFolderURL(lock) {
      guard FileManager.default.fileExists(atPath: folder.path) else {
        throw PipelineError.archiveIncomplete(
          path: folder.path, reason: "the report folder the lock names (report_folder) is missing; "
            + "`amf-pipeline run \(manifestURL.path)` publishes it again")
      }
      let inside = folder.path.hasPrefix(base.path + "/")
      let path = inside ? Self.relative(folder, to: base) : "report/\(folder.lastPathComponent)"
      members.append(ArchiveBuilder.Member(source: folder, path: path))
    }
    return members
  }

  private func storeMember(_ url: URL) -> ArchiveBuilder.Member {
    let folder = url.deletingLastPathComponent().lastPathComponent
    return ArchiveBuilder.Member(source: url, path: "store/\(folder)/\(url.lastPathComponent)")
  }

  /// The working directory when every file is inside it, else the deepest folder containing them all.
  static func commonFolder(of files: [URL]) -> URL {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
    if files.allSatisfy({ $0.path.hasPrefix(cwd.path + "/") }) { return cwd }
    var common = files.first?.deletingLastPathComponent().pathComponents ?? ["/"]
    for file in files.dropFirst() {
      let parts = file.deletingLastPathComponent().pathComponents
      common = Array(zip(common, parts).prefix { $0 == $1 }.map(\.0))
    }
    return URL(fileURLWithPath: NSString.path(withComponents: common.isEmpty ? ["/"] : common))
  }

  static func relative(_ url: URL, to base: URL) -> String {
    let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
    return url.path.hasPrefix(prefix) ? String(url.path.dropFirst(prefix.count)) : url.lastPathComponent
  }
}
