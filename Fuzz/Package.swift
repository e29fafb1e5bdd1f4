// swift-tools-version: 6.1
// libFuzzer target over SextantWire's FrameDecoder and WireDecoder. See README.md here.
//
// Build (from the repository root):
//   swift build -c release --package-path Fuzz --scratch-path Fuzz/.build-fuzz \
//     --sanitize=fuzzer --sanitize=address
// or simply run Fuzz/run.sh.
import PackageDescription

let package = Package(
    name: "sextant-fuzz",
    platforms: [.macOS("15.0")],
    dependencies: [
        .package(name: "sextant", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // One source file that is not main.swift: SwiftPM compiles it with -parse-as-library,
        // and libFuzzer's runtime provides main().
        .executableTarget(
            name: "sextant-fuzz",
            dependencies: [
                .product(name: "SextantWire", package: "sextant"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
