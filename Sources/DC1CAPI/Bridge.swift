import CDC1
import CJansson
import DC1Core
import Glibc

// The shared plumbing of every export: argument checks, the out_json rule, the per-thread
// last error. Nothing thrown in Swift crosses the C boundary.

public typealias OutJSON = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

/// The per-thread last error: a malloc'd C string under a pthread key, freed at thread exit.
private let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { p in free(p) }
    return key
}()

nonisolated(unsafe) private let emptyMessage: UnsafeMutablePointer<CChar> = strdup("")!

func setLastError(_ message: String?) {
    let old = pthread_getspecific(lastErrorKey)
    if let message, !message.isEmpty {
        pthread_setspecific(lastErrorKey, strdup(message))
    } else {
        pthread_setspecific(lastErrorKey, nil)
    }
    free(old)
}

func lastErrorPointer() -> UnsafePointer<CChar> {
    if let p = pthread_getspecific(lastErrorKey) { return UnsafePointer(p.assumingMemoryBound(to: CChar.self)) }
    return UnsafePointer(emptyMessage)
}

/// Runs an operation with the header's output rule. `outRequired`: a NULL out_json is an
/// invalid argument (the result would be lost).
func exported(_ out: OutJSON, outRequired: Bool = true, _ body: () throws(DC1Error) -> JSON) -> Int32 {
    out?.pointee = nil
    if outRequired && out == nil { return fail(out, .invalid("out_json is NULL")) }
    do {
        let doc = try body()
        guard let text = doc.dumpMalloc() else { return fail(out, DC1Error(.noMemory, "out of memory serialising the result")) }
        if let out { out.pointee = text } else { free(text) }
        setLastError(nil)
        return 0
    } catch {
        return fail(out, error)
    }
}

func fail(_ out: OutJSON, _ e: DC1Error) -> Int32 {
    setLastError(e.message)
    out?.pointee = e.document().dumpMalloc()
    return e.code.rawValue
}

/// The client behind a handle; NULL is an invalid argument.
func client(_ handle: OpaquePointer?) throws(DC1Error) -> CoreClient {
    guard let handle else { throw DC1Error(.invalidArgument, "client is NULL") }
    return Unmanaged<CoreClient>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

/// A C string argument as Swift text; NULL or invalid UTF-8 is an invalid argument.
func text(_ p: UnsafePointer<CChar>?, _ name: String) throws(DC1Error) -> String {
    guard let p else { throw DC1Error(.invalidArgument, "\(name) is NULL") }
    guard let s = String(validatingCString: p) else { throw DC1Error(.invalidArgument, "\(name) is not valid UTF-8") }
    return s
}

/// A JSON argument; NULL gives nil (meaning "{}") unless `required`.
func jsonArgument(_ p: UnsafePointer<CChar>?, _ name: String, required: Bool = false) throws(DC1Error) -> JSON? {
    guard let p else {
        if required { throw DC1Error(.invalidArgument, "\(name) is NULL") }
        return nil
    }
    do {
        return try JSON.parse(cString: p)
    } catch {
        switch error {
        case .invalid(let why): throw DC1Error(.invalidArgument, "\(name) is not valid JSON: \(why)")
        }
    }
}

/// Hands one event to the caller's callback as a borrowed JSON string; true to continue.
func deliver(_ fn: dc1_event_fn, _ user: UnsafeMutableRawPointer?, _ event: JSON) -> Bool {
    guard let text = event.dumpMalloc() else { return false }
    defer { free(text) }
    return fn(user, text) == 0
}
