import AMFArtifacts
import Foundation

/// Artifacts with fixed content for the tests.
enum Fixtures {
  /// Every element type in several shapes, including empty ones, scalars and unicode strings.
  static func everyType() throws -> ArtifactGroup {
    var group = ArtifactGroup()
    try group.setDataset(.vector([Float]([1.5, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude])), at: "/f32/vector")
    try group.setDataset(try .matrix([Float](stride(from: 0, to: 6, by: 1).map { Float($0) * 0.1 }), rows: 2, columns: 3),
                         at: "/f32/matrix")
    try group.setDataset(ArtifactArray(shape: [2, 0, 4], elements: .float32([])), at: "/f32/empty3d")
    try group.setDataset(ArtifactArray(shape: [], elements: .float32([3.25])), at: "/f32/scalar")
    try group.setDataset(.vector([Double]([.pi, -.greatestFiniteMagnitude, 1e-300, .signalingNaN])), at: "/f64/vector")
    try group.setDataset(ArtifactArray(shape: [0], elements: .float64([])), at: "/f64/empty")
    try group.setDataset(try ArtifactArray(shape: [3, 1], elements: .int32([.min, 0, .max])), at: "/i32/column")
    try group.setDataset(.vector([Int64]([.min, -1, 0, .max])), at: "/i64/vector")
    try group.setDataset(.vector([UInt8]([0, 1, 127, 255])), at: "/u8/vector")
    try group.setDataset(.vector(["", "ascii", "θ → π₀", "🤖 robot", "multi\nline"]), at: "/strings/vector")
    try group.setDataset(ArtifactArray(shape: [0], elements: .string([])), at: "/strings/empty")
    try group.setDataset(try ArtifactArray(shape: [2, 2], elements: .string(["a", "b", "c", "d"])), at: "/strings/matrix")
    try group.ensureGroup(at: "/empty_group")
    try group.setAttribute("note", .scalar("ünïcödé ✓"), onGroup: "/strings")
    try group.setAttribute("count", .scalar(Int64(42)), onGroup: "/i64")
    try group.setAttribute("flag", .scalar(true), onGroup: "/u8")
    try group.setAttribute("values", .vector([Double]([1, 2, 3])))
    try group.setAttribute("names", .vector(["x", "y"]))
    try group.setAttribute("empty_names", ArtifactArray(shape: [0], elements: .string([])))
    try group.setAttribute("f32", .scalar(Float(0.5)))
    try group.setAttribute("i32", .scalar(Int32(-7)))
    return group
  }

  /// The small artifact whose content hash is pinned in Goldens/content-hash.txt.
  static func small() throws -> Artifact {
    var content = ArtifactGroup()
    try content.setDataset(try .matrix([Float]([1, 2, 3, 4, 5, 6]), rows: 3, columns: 2), at: "/data/demo_0/actions")
    try content.setDataset(.vector([Int32]([0, 1, 2])), at: "/data/demo_0/task_ids")
    try content.setAttribute("task", .scalar(Int64(3)), onGroup: "/data/demo_0")
    try content.setAttribute("source", .scalar("pretrain"), onGroup: "/data/demo_0")
    try content.setAttribute("env_name", .scalar("reacher"), onGroup: "/data")
    let provenance = Provenance(
      stage: "pretrain", stageVersion: 1, paramsJSON: #"{"demos_per_task":10}"#, inputs: [:], seed: 7,
      projectVersion: "fixture")
    return Artifact(kind: .demonstrations, provenance: provenance, content: content)
  }

  /// An artifact with one large float32 dataset whose bytes are easy to find in the file.
  static func marked(count: Int = 4096) throws -> Artifact {
    var content = ArtifactGroup()
    try content.setDataset(.vector((0..<count).map { Float($0) + 0.5 }), at: "/data/values")
    return Artifact(kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1), content: content)
  }
}
