import CDC1
import CJansson
import DC1Core
import Glibc

@c @implementation public func dc1_client_new(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ optionsJSON: UnsafePointer<CChar>?
) -> Int32 {
    out?.pointee = nil
    guard let out else { return fail(nil, .init(.invalidArgument, "out is NULL")) }
    do throws(DC1Error) {
        let c = try Session(optionsJSON: try jsonArgument(optionsJSON, "options_json"))
        out.pointee = OpaquePointer(Unmanaged.passRetained(c).toOpaque())
        setLastError(nil)
        return 0
    } catch {
        return fail(nil, error)
    }
}

@c @implementation public func dc1_client_free(_ client: OpaquePointer?) {
    guard let client else { return }
    Unmanaged<Session>.fromOpaque(UnsafeRawPointer(client)).release()
}

@c @implementation public func dc1_client_interrupt(_ handle: OpaquePointer?) -> Int32 {
    withSession(handle) { $0.interrupt() }
}

@c @implementation public func dc1_client_config(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    guard handle != nil else {
        // NULL: the built-in defaults, before the environment and any options.
        return exportedWithoutClient(out) { () throws(DC1Error) in ClientOptions().document() }
    }
    return exported(out, handle) { s throws(DC1Error) in s.options.document() }
}

/// A user_data pointer carried into a @Sendable closure; the caller owns its thread rules.
private struct UserData: @unchecked Sendable { let p: UnsafeMutableRawPointer? }

@c @implementation public func dc1_client_set_logger(
    _ handle: OpaquePointer?, _ fn: dc1_log_fn?, _ userData: UnsafeMutableRawPointer?,
    _ minLevel: Int32
) -> Int32 {
    withSession(handle) { c in
        guard let fn else { return c.setLogger(nil, minLevel: .error) }
        let level = LogLevel(rawValue: Int(Swift.max(0, Swift.min(3, minLevel)))) ?? .info
        let ud = UserData(p: userData)
        c.setLogger({ lvl, msg in msg.withCString { fn(ud.p, Int32(lvl.rawValue), $0) } }, minLevel: level)
    }
}
