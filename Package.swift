// swift-tools-version: 6.1
import PackageDescription

let strictness: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "release",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "release", targets: ["release"]),
    // The served embedded cluster (`release sim start`): apart, so that `release` links no
    // HTTPS server and builds in a fraction of the time.
    .executable(name: "release-sim-server", targets: ["release-sim-server"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CCurl", pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CLibGit2", pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"])]),
    .systemLibrary(
      name: "CLibCrypto", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]),
    // SHA-256 and HMAC-SHA1 from the system's libcrypto: swift-crypto would compile a copy
    // of BoringSSL into every build of `release`.
    .target(name: "Hashing", dependencies: ["CLibCrypto"], swiftSettings: strictness),
    .target(
      name: "Manifest",
      dependencies: [
        .product(name: "Yams", package: "Yams"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      swiftSettings: strictness),
    .target(
      name: "Render",
      dependencies: ["Manifest"],
      swiftSettings: strictness),
    .target(
      name: "EnvironmentRepo",
      dependencies: ["Manifest", "Render"],
      swiftSettings: strictness),
    .target(
      name: "Kube",
      dependencies: [
        "Manifest", "CCurl",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness),
    // Metric queries for health gates: the `MetricsSource` protocol, the Prometheus HTTP API
    // client, and the PromQL subset the simulated cluster answers.
    .target(
      name: "Metrics",
      dependencies: [
        "Manifest", "Kube",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness),
    .target(
      name: "KubeSim",
      dependencies: [
        "Manifest", "Render", "Kube", "Metrics",
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Logging", package: "swift-log"),
        // imageIDs: the content digest a tag resolves to (ImageDigest).
        "Hashing",
      ],
      swiftSettings: strictness),
    .target(
      name: "KubeSimServer",
      dependencies: [
        "Manifest", "Kube", "KubeSim", "Metrics", "CZlib",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: strictness),
    .target(
      name: "Diff",
      dependencies: ["Manifest", "Render", "Kube"],
      swiftSettings: strictness),
    .target(
      name: "GitStore",
      dependencies: ["CLibGit2", "Hashing"],
      swiftSettings: strictness),
    .target(
      name: "Promotion",
      dependencies: ["EnvironmentRepo", .product(name: "Yams", package: "Yams")],
      swiftSettings: strictness),
    .target(
      name: "Rollout",
      dependencies: [
        "Manifest", "Kube", "Diff", "CZlib", "EnvironmentRepo", "Metrics", "Hashing",
      ],
      swiftSettings: strictness),
    // What the commands share: environment, cluster connection, workflows, output, exit codes.
    .target(
      name: "ReleaseKit",
      dependencies: [
        "Manifest", "Render", "EnvironmentRepo", "Kube", "KubeSim", "Diff", "Rollout", "GitStore", "Metrics", "Promotion",
      ],
      swiftSettings: strictness),
    .executableTarget(
      name: "release",
      dependencies: [
        "Manifest", "Render", "EnvironmentRepo", "Kube", "KubeSim", "Diff", "Rollout", "ReleaseKit", "GitStore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness),
    .executableTarget(
      name: "release-sim-server",
      dependencies: [
        "ReleaseKit", "EnvironmentRepo", "Kube", "KubeSim", "KubeSimServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictness),
    .testTarget(
      name: "ManifestTests", dependencies: ["Manifest"], resources: [.copy("Golden")],
      swiftSettings: strictness),
    .testTarget(name: "RenderTests", dependencies: ["Render", "Manifest"], swiftSettings: strictness),
    .testTarget(
      name: "EnvironmentRepoTests", dependencies: ["EnvironmentRepo", "Render", "Manifest"],
      swiftSettings: strictness),
    .testTarget(
      name: "ConformanceTests", dependencies: ["Render", "Manifest"],
      exclude: ["cases", "README.md"], swiftSettings: strictness),
    .testTarget(
      name: "SystemLibraryTests", dependencies: ["CCurl", "CLibGit2"], swiftSettings: strictness),
    // Test doubles shared by the Kube test targets (not shipped in the product).
    .target(name: "KubeTestSupport", path: "Tests/KubeTestSupport", swiftSettings: strictness),
    // Real servers end-to-end tests start (a Pushgateway) and a webhook receiver.
    .target(
      name: "EndToEndSupport", dependencies: [
        "Kube", "Manifest",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ],
      path: "Tests/EndToEndSupport"),
    .testTarget(
      name: "KubeTests", dependencies: ["Kube", "Manifest", "KubeTestSupport"], swiftSettings: strictness),
    .testTarget(
      name: "KubeSimTests", dependencies: ["KubeSim", "Kube", "Manifest"],
      swiftSettings: strictness),
    .testTarget(
      name: "KubeSimServerTests", dependencies: ["KubeSimServer", "KubeSim", "Kube", "Manifest"],
      swiftSettings: strictness),
    .testTarget(
      name: "KubeAPIBehaviourTests", dependencies: ["KubeSimServer", "KubeSim", "Kube", "Manifest", "KubeTestSupport"],
      swiftSettings: strictness),
    .testTarget(
      name: "MetricsTests",
      dependencies: [
        "Metrics", "Kube", "KubeSim", "KubeSimServer", "Manifest", "KubeTestSupport", "EndToEndSupport", "Diff", "ReleaseKit",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: strictness),
    .testTarget(name: "DiffTests", dependencies: ["Diff", "Manifest"], swiftSettings: strictness),
    .testTarget(
      name: "ReleaseWorkflowTests",
      dependencies: ["ReleaseKit", "Rollout", "Diff", "Kube", "KubeSim", "KubeSimServer", "Manifest", "EnvironmentRepo", "Metrics"],
      swiftSettings: strictness),
    .testTarget(
      name: "RolloutPlanTests", dependencies: ["Rollout", "ReleaseKit", "Diff", "Kube", "KubeSim", "Manifest"],
      swiftSettings: strictness),
    .testTarget(
      name: "LintTests",
      dependencies: ["Rollout", "ReleaseKit", "Diff", "Kube", "KubeSim", "Manifest", "EnvironmentRepo"],
      swiftSettings: strictness),
    .testTarget(name: "PromotionTests", dependencies: ["Promotion", "EnvironmentRepo"], swiftSettings: strictness),
    .testTarget(
      name: "GitStoreTests", dependencies: ["GitStore", .product(name: "Crypto", package: "swift-crypto")], exclude: ["git-http-server.py"], swiftSettings: strictness),
    .testTarget(
      name: "ReleaseCLITests", dependencies: ["Manifest", "EndToEndSupport"], swiftSettings: strictness),
  ]
)
