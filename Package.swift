// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (strict concurrency) and the
/// upcoming features that make every import and existential deliberate.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Assay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "assay", targets: ["AssayCLI"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Psychometrics", targets: ["Psychometrics"]),
        .library(name: "Banks", targets: ["Banks"]),
        .library(name: "AssayCore", targets: ["AssayCore"]),
        .library(name: "CandidateTerminal", targets: ["CandidateTerminal"]),
        .library(name: "AssayServer", targets: ["AssayServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The candidates' SSH door (`assay serve`), used by AssayServer only.
        .package(url: "https://github.com/apple/swift-nio", .upToNextMinor(from: "2.101.2")),
        .package(url: "https://github.com/apple/swift-nio-ssh", .upToNextMinor(from: "0.15.1")),
        .package(url: "https://github.com/apple/swift-crypto", .upToNextMajor(from: "4.5.2")),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "Psychometrics", swiftSettings: strictSettings),
        .target(
            name: "Banks",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IntakeEngine",
            dependencies: ["Postgres"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AssayCore",
            dependencies: [
                "Postgres", "Banks", "Psychometrics", "IntakeEngine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CandidateTerminal",
            dependencies: ["AssayCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AssayServer",
            dependencies: [
                "AssayCore", "CandidateTerminal", "Postgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "AssayCLI",
            dependencies: [
                "AssayCore", "CandidateTerminal", "AssayServer", "Postgres", "Banks", "Psychometrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AssayTesting",
            dependencies: ["Postgres"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "AssayTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PsychometricsTests",
            dependencies: ["Psychometrics"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BanksTests", dependencies: ["Banks"], swiftSettings: strictSettings),
        .testTarget(name: "IntakeEngineTests", dependencies: ["IntakeEngine", "Postgres", "AssayTesting", "Psychometrics"], swiftSettings: strictSettings),
        .testTarget(
            name: "AssayCoreTests",
            dependencies: ["AssayCore", "IntakeEngine", "Postgres", "AssayTesting", "Banks", "Psychometrics"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CandidateTerminalTests",
            dependencies: ["CandidateTerminal", "AssayCore", "Postgres", "AssayTesting", "Banks"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AssayServerTests",
            dependencies: ["AssayServer", "CandidateTerminal", "AssayCore", "Postgres", "AssayTesting", "Banks",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AssayCLITests",
            dependencies: ["AssayCLI", "AssayCore", "Postgres", "Banks", "Psychometrics", "AssayTesting"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
