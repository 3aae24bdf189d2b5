import Foundation

/// `run`'s progress on a terminal: one status line rewritten in place, with every other line (failures,
/// moved-aside files) printed above it. In a log (stderr not a terminal) every line is printed as is.
final class TerminalLine: @unchecked Sendable {
  private let lock = NSLock()
  private var showing = false
  private let width: Int

  /// A line on standard error, cut to `width` columns so that it never wraps (wrapping breaks the rewrite).
  init(width: Int = TerminalLine.columns()) { self.width = max(20, width - 1) }

  /// Whether standard error is a terminal.
  static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

  /// Replaces the status line with `line`.
  func progress(_ line: String) {
    lock.withLock {
      write("\r\u{1B}[2K" + Self.cut("amf-pipeline: " + line, to: width))
      showing = true
    }
  }

  /// Prints `line` on a line of its own, above the status line.
  func message(_ line: String) {
    lock.withLock {
      write((showing ? "\r\u{1B}[2K" : "") + "amf-pipeline: " + line + "\n")
      showing = false
    }
  }

  /// Ends the status line, so that what follows starts on a fresh line.
  func finish() {
    lock.withLock {
      if showing { write("\n") }
      showing = false
    }
  }

  /// `line` in at most `width` characters, the middle elided.
  static func cut(_ line: String, to width: Int) -> String {
    guard line.count > width else { return line }
    let keep = width - 1
    return String(line.prefix(keep / 2)) + "…" + String(line.suffix(keep - keep / 2))
  }

  /// The terminal's width (`COLUMNS`, else 100).
  static func columns() -> Int { ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100 }

  private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
