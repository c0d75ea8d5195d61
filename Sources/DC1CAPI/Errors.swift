import CDC1
import Glibc
import DC1Core

/// Static, NUL-terminated names for dc1_strerror (never freed).
nonisolated(unsafe) private let names: [Int32: UnsafePointer<CChar>] = {
    var m: [Int32: UnsafePointer<CChar>] = [:]
    for c in DC1Code.allCases { m[c.rawValue] = UnsafePointer(strdup(c.name)!) }
    return m
}()
nonisolated(unsafe) private let unknownName: UnsafePointer<CChar> = UnsafePointer(strdup("DC1_E_UNKNOWN")!)

@c @implementation public func dc1_strerror(_ code: Int32) -> UnsafePointer<CChar>? {
    names[code] ?? unknownName
}

@c @implementation public func dc1_last_error() -> UnsafePointer<CChar>? {
    lastErrorPointer()
}
