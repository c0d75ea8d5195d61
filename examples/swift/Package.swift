// swift-tools-version:6.0
// The Swift examples: a package that depends on libdc1 by path, as a user's package would.
//
// SwiftPM names a path dependency after its folder (its identity is the last path component,
// lowercased), not after the `name:` in libdc1's manifest. A user who cloned libdc1 into
// ../libdc1 writes:
//     .package(path: "../libdc1")   and   .product(name: "DC1", package: "libdc1")
// and into ../dc1-client:
//     .package(path: "../dc1-client")   and   .product(name: "DC1", package: "dc1-client")
// This example lives inside the project, whose folder may have any name (a clone, a worktree),
// so it derives the identity from the folder instead of spelling it.
import PackageDescription

let root = "../.."
let identity = String(Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "libdc1").lowercased()

let package = Package(
    name: "dc1-swift-examples",
    dependencies: [
        .package(path: root)
    ],
    targets: [
        .executableTarget(name: "quickstart", dependencies: [.product(name: "DC1", package: identity)]),
        .executableTarget(name: "chat-stream", dependencies: [.product(name: "DC1", package: identity)]),
    ]
)
