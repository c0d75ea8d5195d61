import DC1Core

private let versionString: StaticString = "0.1.0"

@c public func dc1_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}
