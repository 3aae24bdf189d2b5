import Foundation

/// PNG copies of SVG plots through `rsvg-convert` (librsvg), when it is installed.
public struct SVGRasterizer: Sendable {
  /// The converter, or nil when none is on `PATH`.
  public let converter: URL?
  /// The scale factor of the PNG relative to the SVG's pixel size.
  public var zoom = 1.5

  /// Finds `rsvg-convert` on `PATH` (nil when absent).
  public static func onPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SVGRasterizer {
    let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
    let found = folders.map { URL(fileURLWithPath: String($0)).appendingPathComponent("rsvg-convert") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    return SVGRasterizer(converter: found)
  }

  /// A rasterizer using `converter` (nil: never converts).
  public init(converter: URL?) { self.converter = converter }

  /// The PNG of `svg`, or nil when there is no converter or it fails (the reason goes to `failure`).
  public func png(from svg: String, failure: (String) -> Void = { _ in }) -> Data? {
    guard let converter else { return nil }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("amf-svg-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("plot.svg")
    let output = folder.appendingPathComponent("plot.png")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(svg.utf8).write(to: input)
      let process = Process()
      process.executableURL = converter
      process.arguments = ["--format=png", "--zoom=\(zoom)", "--output=\(output.path)", input.path]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        failure("\(converter.path) exited \(process.terminationStatus)")
        return nil
      }
      return try Data(contentsOf: output)
    } catch {
      failure("\(converter.path): \(error.localizedDescription)")
      return nil
    }
  }
}
