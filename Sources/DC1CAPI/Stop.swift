import CDC1
import DC1Core

// "Stopping one call": a dc1_stop is a retained CallStop; binding it keeps a reference on the
// thread, so freeing it while bound is safe.

private func stop(_ handle: OpaquePointer?) -> CallStop? {
    guard let handle else { return nil }
    return Unmanaged<CallStop>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

@c @implementation public func dc1_stop_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return fail(nil, .invalid("out is NULL")) }
    out.pointee = OpaquePointer(Unmanaged.passRetained(CallStop()).toOpaque())
    return 0
}

@c @implementation public func dc1_stop_trigger(_ handle: OpaquePointer?) -> Int32 {
    guard let s = stop(handle) else { return fail(nil, .invalid("stop is NULL")) }
    s.trigger()
    return 0
}

@c @implementation public func dc1_stop_is_triggered(_ handle: OpaquePointer?) -> Int32 {
    (stop(handle)?.isTriggered ?? false) ? 1 : 0
}

@c @implementation public func dc1_stop_bind(_ handle: OpaquePointer?) -> Int32 {
    CallStop.bind(stop(handle))
    return 0
}

@c @implementation public func dc1_stop_free(_ handle: OpaquePointer?) {
    guard let handle else { return }
    Unmanaged<CallStop>.fromOpaque(UnsafeRawPointer(handle)).release()
}
