// A stand-in stage executable for the orchestrator's tests: same command line as `amf-pipeline stage
// <kind>`, writes real (tiny) artifacts whose content is a function of kind, params, seed and input
// hashes. Params may carry `fake_sleep_ms` (to be killed mid-run), `fake_fail` (exit 3) and `fake_floats`
// (adds a `/fake/payload` dataset of that many float32 values, for benchmarks with large artifacts).
// A `report` run also writes its sidecar folder `<output>.files/report.md`.
// `fake_crash` ("guarded" or "unguarded") raises SIGSEGV, with or without the crash guard armed.
// Every execution appends "<kind> <seed> <params>" to $AMF_FAKE_CALLS when set.
import AMFArtifacts
import AMFCore
import AMFStages
import CCrashGuard
import Foundation

func value(after flag: String, in arguments: [String]) -> [String] {
  arguments.indices.filter { arguments[$0] == flag && $0 + 1 < arguments.count }.map { arguments[$0 + 1] }
}

func pairs(_ values: [String]) -> [String: String] {
  var result: [String: String] = [:]
  for value in values {
    let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
    if parts.count == 2 { result[parts[0]] = parts[1] }
  }
  return result
}

let arguments = CommandLine.arguments
guard arguments.count > 2, arguments[1] == "stage", ParentWatch.dieWithParent() else { exit(64) }
let kind = arguments[2]
let paramsText = value(after: "--params-file", in: arguments).first.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "{}"
let params = (try? JSONSerialization.jsonObject(with: Data(paramsText.utf8))) as? [String: Any] ?? [:]
let seed = UInt64(value(after: "--seed", in: arguments).first ?? "0") ?? 0
// `fake_crash`: "guarded" segfaults with the crash guard armed (as inside libhdf5), "unguarded" without.
if let crash = params["fake_crash"] as? String {
  amf_crash_guard_install()
  if crash == "guarded" { amf_crash_guard_arm("fake-stage: error: crashed while the guard was armed\n", 65) }
  raise(SIGSEGV)
}
var inputHashes: [String: String] = [:]
do {
  for (role, path) in pairs(value(after: "--input", in: arguments)) {
    inputHashes[role] = try ArtifactFile.contentHash(of: URL(fileURLWithPath: path))
  }
} catch {
  FileHandle.standardError.write(Data("fake-stage: error: \(error)\n".utf8))
  exit(65)
}
if let calls = ProcessInfo.processInfo.environment["AMF_FAKE_CALLS"] {
  let line = "\(kind) \(seed) \(paramsText)\n"
  let descriptor = open(calls, O_WRONLY | O_APPEND | O_CREAT, 0o644)
  _ = line.withCString { write(descriptor, $0, strlen($0)) }
  close(descriptor)
}
if let milliseconds = params["fake_sleep_ms"] as? Int { usleep(UInt32(milliseconds) * 1000) }
if params["fake_fail"] as? Bool == true {
  FileHandle.standardError.write(Data("fake-stage: failing on purpose\n".utf8))
  exit(3)
}
do {
  for (role, path) in pairs(value(after: "--output", in: arguments)).sorted(by: { $0.key < $1.key }) {
    var content = ArtifactGroup()
    try content.setDataset(.vector([role]), at: "/fake/role")
    try content.setDataset(.vector([Double](repeating: Double(seed), count: 16)), at: "/fake/values")
    if let floats = params["fake_floats"] as? Int, floats > 0 {
      // FNV-1a of everything the output depends on (String.hashValue is seeded per process).
      let salt = "\(kind) \(role) \(seed) \(paramsText) \(inputHashes.sorted { $0.key < $1.key })".utf8
        .reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
      let payload = (0..<floats).map { Float(UInt32(truncatingIfNeeded: $0) &* 2_246_822_519 ^ salt) }
      try content.setDataset(.vector(payload), at: "/fake/payload")
    }
    let provenance = Provenance(stage: kind, stageVersion: 1, paramsJSON: paramsText, inputs: inputHashes, seed: seed)
    if kind == "report" {  // a report's human-readable folder beside it, written first like StageDriver does
      let text = "# fake report\n\nseed \(seed), params \(paramsText), \(inputHashes.count) inputs\n"
      try SidecarFolder.write(["report.md": Data(text.utf8)], to: SidecarFolder.url(for: URL(fileURLWithPath: path)))
    }
    try ArtifactFile.write(Artifact(kind: .evaluation, provenance: provenance, content: content), to: URL(fileURLWithPath: path))
  }
} catch {
  FileHandle.standardError.write(Data("fake-stage: error: \(error)\n".utf8))
  exit(70)
}
