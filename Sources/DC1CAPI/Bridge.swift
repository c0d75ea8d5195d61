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

// Two funnels, and only two. A call on a client goes through `exported(out, handle)`: the
// handle is resolved there and nowhere else (`session(_:)` is private to this file), so every
// such call's failure passes that client's Redactor on its way to the error document,
// dc1_last_error() and events. A call that takes no client goes through
// `exportedWithoutClient`, whose body receives no session and cannot reach one.

/// A call that takes no client (dc1_batch_status, dc1_webhook_parse, …), with the header's
/// output rule. `outRequired`: a NULL out_json is an invalid argument (the result would be lost).
func exportedWithoutClient(_ out: OutJSON, outRequired: Bool = true, _ body: () throws(DC1Error) -> JSON) -> Int32 {
    run(out, outRequired: outRequired, redactor: Redactor(key: nil), body)
}

/// A call on a client: the handle is resolved first, and whatever the call hands back about a
/// failure goes through that client's Redactor.
func exported(
    _ out: OutJSON, _ handle: OpaquePointer?, outRequired: Bool = true,
    _ body: (Session) throws(DC1Error) -> JSON
) -> Int32 {
    if outRequired && out == nil {
        out?.pointee = nil
        return fail(out, .invalid("out_json is NULL"))
    }
    let s: Session
    do throws(DC1Error) { s = try session(handle) } catch {
        out?.pointee = nil
        return fail(out, error)
    }
    return run(out, outRequired: outRequired, redactor: s.redactor) { () throws(DC1Error) in try body(s) }
}

/// A call on a client that returns a code and no document (dc1_client_interrupt, the logger).
func withSession(_ handle: OpaquePointer?, _ body: (Session) -> Void) -> Int32 {
    do throws(DC1Error) {
        body(try session(handle))
        return 0
    } catch {
        return fail(nil, error)
    }
}

private func run(_ out: OutJSON, outRequired: Bool, redactor: Redactor, _ body: () throws(DC1Error) -> JSON) -> Int32 {
    out?.pointee = nil
    if outRequired && out == nil { return fail(out, .invalid("out_json is NULL")) }
    do {
        let doc = try body()
        guard let text = doc.dumpMalloc() else {
            return fail(out, DC1Error(.noMemory, "out of memory serialising the result"))
        }
        if let out { out.pointee = text } else { free(text) }
        setLastError(nil)
        return 0
    } catch {
        return fail(out, error, redactor)
    }
}

/// Where every error leaves the library: dc1_last_error() and the error document, both
/// redacted by the client's Redactor when the failure came from a call on a client.
func fail(_ out: OutJSON, _ e: DC1Error, _ redactor: Redactor = Redactor(key: nil)) -> Int32 {
    let e = e.redacted(by: redactor)
    setLastError(e.message)
    out?.pointee = redactedMalloc(e.document(), redactor)
    return e.code.rawValue
}

/// A document serialised for the caller, with the key redacted from the text itself (so a
/// spelling that only appears once serialised is caught too).
private func redactedMalloc(_ doc: JSON, _ redactor: Redactor) -> UnsafeMutablePointer<CChar>? {
    guard let text = doc.dumpMalloc() else { return nil }
    guard redactor.isActive else { return text }
    let n = strlen(text)
    let bytes = Array(UnsafeRawBufferPointer(start: text, count: n))
    guard let red = redactor.redactBytes(bytes) else { return text }
    explicit_bzero(text, n)
    free(text)
    guard let p = malloc(red.count + 1)?.assumingMemoryBound(to: CChar.self) else { return nil }
    _ = red.withUnsafeBytes { memcpy(p, $0.baseAddress!, red.count) }
    p[red.count] = 0
    return p
}

/// The session behind a handle; NULL is an invalid argument.
private func session(_ handle: OpaquePointer?) throws(DC1Error) -> Session {
    guard let handle else { throw DC1Error(.invalidArgument, "client is NULL") }
    return Unmanaged<Session>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
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
/// Events pass through the client's Redactor as well: a retry or error event describes a
/// failure, and a stream that echoes the key must not hand it back either.
func deliver(_ fn: dc1_event_fn, _ user: UnsafeMutableRawPointer?, _ event: JSON, _ redactor: Redactor) -> Bool {
    guard let text = redactedMalloc(event, redactor) else { return false }
    defer { free(text) }
    return fn(user, text) == 0
}
