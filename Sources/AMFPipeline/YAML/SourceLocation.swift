/// A position in a manifest file: the file and the 1-based line and column (Yams' `Mark`).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The manifest file's path, as the loader resolved it.
  public var file: String
  /// The line, starting at 1.
  public var line: Int
  /// The column, starting at 1 (counted in Unicode scalars).
  public var column: Int

  /// Creates a location.
  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column`, the form editors and compilers use.
  public var description: String { "\(file):\(line):\(column)" }
}
