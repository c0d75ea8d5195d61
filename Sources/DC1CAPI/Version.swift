import CDC1
import DC1Core
import Glibc

/// DC1_VERSION_STRING as a C string that lives as long as the process.
nonisolated(unsafe) private let versionString: UnsafePointer<CChar> = UnsafePointer(strdup(libraryVersion)!)

@c @implementation public func dc1_version() -> UnsafePointer<CChar>? {
    versionString
}
