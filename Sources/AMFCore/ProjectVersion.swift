import Foundation

/// The package version and, where the executable was built from a git checkout, its commit.
///
/// Recorded in `amf.project_version` and run records; never hashed (ARTIFACTS.md).
public enum ProjectVersion {
  /// The package's semantic version; bumped with every release.
  public static let package = "0.1.0"

  /// `"0.1.0"` or `"0.1.0+<commit>"` (with `-dirty` omitted: the commit is a hint, not a guarantee).
  public static var description: String {
    guard let commit = gitCommit() else { return package }
    return "\(package)+\(commit.prefix(12))"
  }

  /// The commit of the checkout this file was compiled from, read from `.git` without running git.
  ///
  /// Edge cases: returns nil when the sources are gone (an archived binary), when `HEAD` names a ref
  /// that is neither loose nor packed, or when `.git` is a worktree pointer that cannot be followed.
  public static func gitCommit(sourceFile: String = #filePath) -> String? {
    var directory = URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
    while directory.path != "/" {
      let dotGit = directory.appendingPathComponent(".git")
      if let gitDirectory = resolveGitDirectory(dotGit) { return headCommit(in: gitDirectory) }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  private static func resolveGitDirectory(_ dotGit: URL) -> URL? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
    if isDirectory.boolValue { return dotGit }
    // A worktree: `.git` is a file "gitdir: <path>".
    guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
      text.hasPrefix("gitdir: ")
    else { return nil }
    let path = text.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
    return URL(fileURLWithPath: path, relativeTo: dotGit.deletingLastPathComponent())
  }

  private static func headCommit(in gitDirectory: URL) -> String? {
    guard let head = try? String(contentsOf: gitDirectory.appendingPathComponent("HEAD"), encoding: .utf8)
    else { return nil }
    let trimmed = head.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.hasPrefix("ref: ") else { return isCommitID(trimmed) ? trimmed : nil }
    let ref = String(trimmed.dropFirst("ref: ".count))
    // Worktrees keep refs in the common directory.
    var common = gitDirectory
    if let text = try? String(contentsOf: gitDirectory.appendingPathComponent("commondir"), encoding: .utf8) {
      common = URL(
        fileURLWithPath: text.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: gitDirectory)
    }
    for directory in [gitDirectory, common] {
      if let loose = try? String(contentsOf: directory.appendingPathComponent(ref), encoding: .utf8) {
        let id = loose.trimmingCharacters(in: .whitespacesAndNewlines)
        if isCommitID(id) { return id }
      }
      if let packed = try? String(contentsOf: directory.appendingPathComponent("packed-refs"), encoding: .utf8) {
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
          let id = String(line.prefix(while: { $0 != " " }))
          if isCommitID(id) { return id }
        }
      }
    }
    return nil
  }

  private static func isCommitID(_ text: String) -> Bool {
    text.count == 40 && text.allSatisfy { $0.isHexDigit }
  }
}
