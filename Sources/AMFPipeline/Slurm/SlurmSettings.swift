/// Where and with what resources the Slurm executor runs each stage kind (`run --executor slurm`
/// options). A value set for a kind wins over the value set for every kind.
public struct SlurmSettings: Hashable, Sendable, Codable {
  /// `--partition` (nil: the cluster's default partition).
  public var partition: String?
  /// `--time` per stage kind; key `*` applies to every kind.
  public var time: [String: String]
  /// `--mem` per stage kind; key `*` applies to every kind.
  public var memory: [String: String]
  /// `--cpus-per-task` per stage kind; key `*` applies to every kind.
  public var cpus: [String: Int]
  /// Extra `sbatch` arguments, passed as given (e.g. `--account=lab`, `--qos=short`).
  public var extraArguments: [String]

  /// The defaults: one CPU (stages run one BLAS thread), 4 GB, and 30 minutes, 2 hours for pre-training.
  /// The largest stage of the shipped studies peaked at 153 MB and 7 s (BENCHMARKS.md); these leave room
  /// for larger environments without asking the scheduler for much.
  public static let defaultTime = ["*": "00:30:00", "pretrain": "02:00:00"]
  public static let defaultMemory = ["*": "4G"]
  public static let defaultCPUs = ["*": 1]

  /// Creates settings; omitted maps use the defaults.
  public init(partition: String? = nil, time: [String: String] = [:], memory: [String: String] = [:],
              cpus: [String: Int] = [:], extraArguments: [String] = []) {
    self.partition = partition
    self.time = Self.defaultTime.merging(time) { $1 }
    self.memory = Self.defaultMemory.merging(memory) { $1 }
    self.cpus = Self.defaultCPUs.merging(cpus) { $1 }
    self.extraArguments = extraArguments
  }

  /// Settings from `run`'s options (`--slurm-time [KIND=]LIMIT` …), checked against the stage `kinds`.
  public static func parse(partition: String?, time: [String], memory: [String], cpus: [String],
                           extraArguments: [String], kinds: Set<String>) throws -> SlurmSettings {
    let time = try perKind(
      time, option: "--slurm-time", kinds: kinds, check: isTimeLimit,
      expected: "a time limit such as 30, 01:30:00 or 1-00:00:00")
    let memory = try perKind(
      memory, option: "--slurm-mem", kinds: kinds, check: isMemory, expected: "a size such as 4G or 500M")
    let cpus = try perKind(
      cpus, option: "--slurm-cpus", kinds: kinds, check: { Int($0).map { $0 >= 1 } ?? false }, expected: "a count ≥ 1")
    if let partition, partition.isEmpty || partition.contains(where: \.isWhitespace) {
      throw SlurmError.badSetting(option: "--slurm-partition", value: partition, reason: "expected a partition name")
    }
    return SlurmSettings(partition: partition, time: time, memory: memory, cpus: cpus.compactMapValues { Int($0) },
                         extraArguments: extraArguments)
  }

  /// Parses `KIND=VALUE` or `VALUE` (every kind) option values into a map, checking kinds and values.
  public static func perKind(_ values: [String], option: String, kinds: Set<String>,
                             check: (String) -> Bool, expected: String) throws -> [String: String] {
    var map: [String: String] = [:]
    for value in values {
      let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
      let (kind, setting) = parts.count == 2 ? (parts[0], parts[1]) : ("*", value)
      guard kind == "*" || kinds.contains(kind) else {
        throw SlurmError.badSetting(
          option: option, value: value, reason: "no stage kind '\(kind)'; use one of \(kinds.sorted().joined(separator: ", ")) or no KIND= for all")
      }
      guard check(setting) else { throw SlurmError.badSetting(option: option, value: value, reason: "expected \(expected)") }
      map[kind] = setting
    }
    return map
  }

  /// Whether `text` is a Slurm time limit: `minutes`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
  public static func isTimeLimit(_ text: String) -> Bool {
    let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard dayParts.count <= 2, !text.isEmpty else { return false }
    if dayParts.count == 2, !(dayParts[0].allSatisfy(\.isNumber) && !dayParts[0].isEmpty) { return false }
    let clock = (dayParts.last ?? "").split(separator: ":", omittingEmptySubsequences: false)
    return (1...3).contains(clock.count) && clock.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
  }

  /// Whether `text` is a Slurm memory size: digits with an optional K, M, G or T suffix.
  public static func isMemory(_ text: String) -> Bool {
    var digits = Substring(text)
    if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
    return !digits.isEmpty && digits.allSatisfy(\.isNumber)
  }

  /// The `sbatch` options for a job of `kind`.
  public func options(for kind: String) -> [String] {
    var options: [String] = []
    if let partition { options.append("--partition=\(partition)") }
    if let value = time[kind] ?? time["*"] { options.append("--time=\(value)") }
    if let value = memory[kind] ?? memory["*"] { options.append("--mem=\(value)") }
    if let value = cpus[kind] ?? cpus["*"] { options.append("--cpus-per-task=\(value)") }
    return options + extraArguments
  }
}
