// swift-tools-version:6.0
// The amf package: one library split into layered modules, seven stage executables and a benchmark tool.
// Layering (lower first): CHDF5, CBLAS → AMFCore → AMFNumerics, AMFArtifacts, AMFEnvironments →
// AMFPolicy, AMFSelection (AMF math), AMFPipeline (generic engine), AMFReport (report statistics, tables, SVG,
// environment pictures)
// → AMFStages (the six stages and their params) → AMFStudy (manifests, expansion, sessions, plans, diagnostics)
// → AMFCommands → executables.
// See README.md ("Layout") and ../shared/style/HOUSE-STYLE.md §3.1.
import PackageDescription

/// Numeric and I/O modules are compiled with `-O` even in the debug configuration, so that
/// `swift run amf-pipeline …` and plain `swift test` run the hot loops at release speed (measured in
/// BENCHMARKS.md, "Debug builds"). Commands and tests keep `-Onone` for fast incremental builds.
/// `AMF_UNOPTIMIZED_DEBUG=1` drops the flag: Benchmarks/debug-builds.sh uses it to measure the difference.
let optimizedEvenInDebug: [SwiftSetting] =
  Context.environment["AMF_UNOPTIMIZED_DEBUG"] == "1" ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// `Float.squareRoot()` reaches LLVM as a call to libm's `sqrtf` (through a C shim), which may set errno
/// and so blocks loop vectorization; without errno it becomes `sqrtps`. The MLP's Adam loop needs it.
let vectorizableSquareRoot: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

let stageExecutables = [
  "amf-pretrain", "amf-embed", "amf-select", "amf-finetune", "amf-evaluate", "amf-report", "amf-pipeline",
]

let package = Package(
  name: "amf",
  platforms: [.macOS(.v13)],
  products: stageExecutables.map { Product.executable(name: $0, targets: [$0]) }
    + [.executable(name: "amf-bench", targets: ["amf-bench"])],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
  ],
  targets: [
    // MARK: - System libraries (found through pkg-config; installed by Scripts/setup.sh)
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    // A C signal handler that turns a crash inside libhdf5 into one line and exit 65 (issue #17).
    .target(name: "CCrashGuard"),


    // MARK: - Library modules (lower layers first)
    .target(name: "AMFCore", swiftSettings: optimizedEvenInDebug),
    .target(name: "AMFNumerics", dependencies: ["AMFCore", "CBLAS"], swiftSettings: optimizedEvenInDebug),
    .target(name: "AMFEnvironments", dependencies: ["AMFCore"], swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFArtifacts",
      dependencies: ["AMFCore", "CHDF5", "CCrashGuard", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFPolicy",
      dependencies: [
        "AMFCore", "AMFNumerics", "AMFArtifacts", .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: optimizedEvenInDebug + vectorizableSquareRoot),
    .target(
      name: "AMFSelection", dependencies: ["AMFCore", "AMFNumerics"], swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFPipeline",
      dependencies: ["AMFCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams")],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFReport", dependencies: ["AMFCore", "AMFNumerics", "AMFArtifacts", "AMFEnvironments"],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFStages",
      dependencies: [
        "AMFCore", "AMFNumerics", "AMFArtifacts", "AMFEnvironments", "AMFPolicy", "AMFPipeline", "AMFSelection",
        "AMFReport",
      ],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFInterop", dependencies: ["AMFCore", "AMFArtifacts", "AMFEnvironments"],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFStudy",
      dependencies: ["AMFCore", "AMFArtifacts", "AMFPipeline", "AMFSelection", "AMFReport", "AMFStages"],
      swiftSettings: optimizedEvenInDebug),
    .target(
      name: "AMFCommands",
      dependencies: [
        "AMFCore", "AMFNumerics", "AMFArtifacts", "AMFEnvironments", "AMFPolicy", "AMFPipeline", "AMFSelection",
        "AMFReport", "AMFStages", "AMFStudy", "AMFInterop",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Executables (one @main each)
  ] + stageExecutables.map { .executableTarget(name: $0, dependencies: ["AMFCommands"]) } + [
    .executableTarget(
      name: "amf-bench",
      dependencies: [
        "AMFCore", "AMFNumerics", "AMFArtifacts", "AMFEnvironments", "AMFPolicy", "AMFPipeline", "AMFSelection",
        "AMFReport", "AMFStudy", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    .executableTarget(
      name: "amf-fake-stage", dependencies: ["AMFArtifacts", "AMFStages", "CCrashGuard"], path: "Tests/amf-fake-stage"),
    .executableTarget(name: "amf-fake-bridge", dependencies: ["AMFEnvironments"], path: "Tests/amf-fake-bridge"),
    .target(name: "AMFTestSupport", dependencies: ["AMFCore", "AMFNumerics"], path: "Tests/AMFTestSupport"),
    .testTarget(name: "AMFCoreTests", dependencies: ["AMFCore", "AMFTestSupport"]),
    .testTarget(name: "AMFNumericsTests", dependencies: ["AMFNumerics", "AMFTestSupport"]),
    .testTarget(name: "AMFEnvironmentsTests", dependencies: ["AMFEnvironments", "AMFTestSupport"]),
    .testTarget(
      name: "AMFArtifactsTests",
      dependencies: [
        "AMFCore", "AMFArtifacts", "AMFTestSupport", "CHDF5", .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["Goldens"]),
    .testTarget(name: "AMFPipelineTests", dependencies: ["AMFPipeline", "AMFTestSupport"]),
    .testTarget(
      name: "AMFStagesTests",
      dependencies: ["AMFStages", "AMFReport", "AMFEnvironments", "AMFPolicy", "AMFArtifacts", "AMFTestSupport"],
      exclude: ["Goldens"]),
    .testTarget(
      name: "AMFReportTests", dependencies: ["AMFReport", "AMFArtifacts", "AMFCore", "AMFEnvironments", "AMFTestSupport"]),
    .testTarget(
      name: "AMFStudyTests",
      dependencies: [
        "AMFStudy", "AMFStages", "AMFReport", "AMFPipeline", "AMFArtifacts", "AMFSelection", "AMFEnvironments",
        "AMFPolicy", "AMFCore", "AMFTestSupport",
      ],
      exclude: ["Goldens"]),
    .testTarget(name: "AMFSelectionTests", dependencies: ["AMFSelection", "AMFCore", "AMFNumerics", "AMFTestSupport"]),
    .testTarget(
      name: "AMFInteropTests",
      dependencies: [
        "AMFInterop", "AMFArtifacts", "AMFEnvironments", "AMFCore", "AMFNumerics", "AMFSelection", "AMFTestSupport",
      ],
      exclude: ["Python"]),
    .testTarget(name: "AMFPolicyTests", dependencies: ["AMFPolicy", "AMFArtifacts", "AMFTestSupport"]),
    .testTarget(
      name: "AMFCommandsTests",
      dependencies: [
        "AMFCommands", "AMFStudy", "AMFStages", "AMFReport", "AMFPipeline", "AMFEnvironments", "AMFArtifacts", "AMFCore", "AMFTestSupport",
      ],
      exclude: ["Goldens", "Python"]),
  ],
  swiftLanguageModes: [.v6]
)
