import AMFArtifacts
import AMFEnvironments
import AMFInterop
import AMFTestSupport
import Foundation

/// Small hand-made robomimic and Minari files, written by the project's HDF5 layer in each library's layout,
/// so the field mapping is checked without Python.
enum InteropFixtures {
  /// integrator2d: observations 2 wide, actions 2 wide, 12 tasks, horizon 20.
  static func integrator() throws -> DemonstrationTarget { try DemonstrationTarget(environment: .integrator2d) }

  /// robomimic: `demo_10` (T = 2, task 5) and `demo_2` (T = 3, task 2, a `success` attribute of 0), so
  /// robomimic's numeric order (demo_2 first) differs from name order; observation keys `vel` (float32,
  /// T × 1) and `pos` (float64, T), concatenated by name as [pos, vel]; a mask `train` = [demo_10].
  static func robomimicTree() throws -> ArtifactGroup {
    var tree = ArtifactGroup()
    try tree.setAttribute("total", .scalar(Int64(5)), onGroup: "/data")
    try tree.setAttribute("env_args", .scalar(#"{"env_name":"Lift","type":1,"env_kwargs":{}}"#), onGroup: "/data")
    try demo(&tree, "/data/demo_2", steps: 3, task: 2, offset: 0)
    try tree.setAttribute("success", .scalar(Int64(0)), onGroup: "/data/demo_2")
    try demo(&tree, "/data/demo_10", steps: 2, task: 5, offset: 10)
    try tree.setDataset(.vector(["demo_10"]), at: "/mask/train")
    return tree
  }

  /// One robomimic demo: pos_t = offset + t, vel_t = 0.5, actions (0.25 t, −0.25 t), rewards 0 … 0 1, dones 0 … 0 1.
  static func demo(_ tree: inout ArtifactGroup, _ path: String, steps: Int, task: Int, offset: Int) throws {
    try tree.setDataset(.vector((0..<steps).map { Double(offset + $0) }), at: "\(path)/obs/pos")
    try tree.setDataset(try .matrix([Float](repeating: 0.5, count: steps), rows: steps, columns: 1), at: "\(path)/obs/vel")
    let actions = (0..<steps).flatMap { [Float($0) * 0.25, -Float($0) * 0.25] }
    try tree.setDataset(try .matrix(actions, rows: steps, columns: 2), at: "\(path)/actions")
    try tree.setDataset(.vector((0..<steps).map { $0 == steps - 1 ? 1.0 : 0.0 }), at: "\(path)/rewards")
    try tree.setDataset(.vector((0..<steps).map { $0 == steps - 1 ? Int64(1) : 0 }), at: "\(path)/dones")
    try tree.setAttribute("num_samples", .scalar(Int64(steps)), onGroup: path)
    try tree.setAttribute("task", .scalar(Int64(task)), onGroup: path)
  }

  /// Minari: `episode_0` (T = 3, infos/task = 7 each step, terminated at the end) and `episode_1` (T = 2,
  /// infos/task = 1, truncated, infos/success = [0, 1]); observations ((T+1) × 2) are (10e + t, −t).
  static func minariTree() throws -> ArtifactGroup {
    var tree = ArtifactGroup()
    for (episode, steps, task, terminated) in [(0, 3, 7, true), (1, 2, 1, false)] {
      let path = "/episode_\(episode)"
      let observations = (0...steps).flatMap { [Float(10 * episode + $0), -Float($0)] }
      try tree.setDataset(try .matrix(observations, rows: steps + 1, columns: 2), at: "\(path)/observations")
      try tree.setDataset(try .matrix((0..<(2 * steps)).map { Float($0) / 8 }, rows: steps, columns: 2), at: "\(path)/actions")
      try tree.setDataset(.vector((0..<steps).map { -Double($0) }), at: "\(path)/rewards")
      let last = (0..<steps).map { $0 == steps - 1 ? UInt8(1) : 0 }
      try tree.setDataset(.vector(terminated ? last : [UInt8](repeating: 0, count: steps)), at: "\(path)/terminations")
      try tree.setDataset(.vector(terminated ? [UInt8](repeating: 0, count: steps) : last), at: "\(path)/truncations")
      try tree.setDataset(.vector([Int64](repeating: Int64(task), count: steps)), at: "\(path)/infos/task")
      if !terminated { try tree.setDataset(.vector(last), at: "\(path)/infos/success") }
      try tree.setAttribute("id", .scalar(Int64(episode)), onGroup: path)
      try tree.setAttribute("total_steps", .scalar(Int64(steps)), onGroup: path)
    }
    return tree
  }

  /// Writes `tree` to `name` in `folder` and returns its path.
  static func write(_ tree: ArtifactGroup, _ name: String, in folder: TemporaryDirectory) throws -> String {
    let url = folder.file(name)
    try HDF5Tree.write(tree, to: url)
    return url.path
  }

  /// The demonstrations of the artifact at `url`.
  static func demonstrations(_ url: URL) throws -> DemonstrationSet {
    try DemonstrationSet(ArtifactFile.read(url, expecting: .demonstrations))
  }
}
