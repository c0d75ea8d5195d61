// swift-tools-version:6.0
// libdc1: the DC1 client core. The C library (libdc1.so) is built by the Makefile with the
// flags that make it self-contained (static Swift stdlib, SONAME, version script); those flags
// stay out of this file because test targets would inherit them and fail to link.
import PackageDescription

let package = Package(
    name: "libdc1",
    products: [
        // The C ABI: include/dc1.h implemented by DC1CAPI.
        .library(name: "dc1", type: .dynamic, targets: ["DC1CAPI"]),
        // The Swift API for Swift package users: `import DC1`.
        .library(name: "DC1", targets: ["DC1"]),
        // The command line.
        .executable(name: "dc1-cli", targets: ["DC1CLI"]),
    ],
    dependencies: [
        // The CLI's argument parsing, help and completion scripts.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs`: the DocC catalog of the DC1 module (a plugin only; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // include/dc1.h itself: the C API the exports must match, the version, the codes.
        .systemLibrary(name: "CDC1"),
        // The base64 kernel (portable C; AVX2/SSSE3 picked at run time, scalar otherwise).
        .target(name: "CBase64"),
        // The core: transport, JSON, errors, retries, resources. Imports Glibc only.
        .target(name: "DC1Core", dependencies: ["CCurl", "CJansson", "CCrypto", "CDC1", "CBase64"]),
        // Typed Swift API over the core.
        .target(name: "DC1", dependencies: ["DC1Core"]),
        // Thin @c shims over the core, one file per section of include/dc1.h.
        .target(name: "DC1CAPI", dependencies: ["DC1Core", "CJansson", "CDC1"]),
        .executableTarget(
            name: "DC1CLI",
            dependencies: [
                "DC1Core", "CJansson",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The one emulator launcher of both test targets (a test target cannot depend on another
        // test target; a regular target that no product exports can be shared).
        .target(name: "EmulatorLauncher", path: "Tests/EmulatorLauncher"),
        // DC1 for BatchTests.
        .testTarget(
            name: "DC1CoreTests", dependencies: ["DC1Core", "DC1", "CJansson", "CDC1", "CBase64", "EmulatorLauncher"]),
        // The Swift API (`import DC1`) against the emulator: parity with the C header, async.
        .testTarget(name: "DC1Tests", dependencies: ["DC1", "EmulatorLauncher"]),
    ]
)
