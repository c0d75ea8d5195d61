import CDC1
import Glibc
import DC1Core

/// The shared shape of the two job streams: arguments checked, events handed to the callback.
private func jobStream(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ onEvent: dc1_event_fn?, _ user: UnsafeMutableRawPointer?, _ out: OutJSON,
    _ run: (Session, String, Streams.Options, (JSON) -> Bool) throws(DC1Error) -> JSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let id = try text(jobID, "job_id")
        let o = try Streams.Options.from(try jsonArgument(options, "options_json"))
        guard let onEvent else { throw DC1Error(.invalidArgument, "on_event is NULL") }
        return try run(c, id, o) { deliver(onEvent, user, $0, c.redactor) }
    }
}

@c @implementation public func dc1_job_logs_stream(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ onEvent: dc1_event_fn?, _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    jobStream(handle, jobID, options, onEvent, user, out) { (c, id, o, sink) throws(DC1Error) in
        try c.streams.followLogs(id, options: o, onEvent: sink)
    }
}

@c @implementation public func dc1_job_status_stream(
    _ handle: OpaquePointer?, _ jobID: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ onEvent: dc1_event_fn?, _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    jobStream(handle, jobID, options, onEvent, user, out) { (c, id, o, sink) throws(DC1Error) in
        try c.streams.streamStatus(id, options: o, onEvent: sink)
    }
}

@c @implementation public func dc1_chat(
    _ handle: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ onToken: dc1_event_fn?,
    _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let r = try jsonArgument(request, "request_json", required: true)
        if let onToken { return try c.streams.chat(r) { deliver(onToken, user, $0, c.redactor) } }
        return try c.streams.chat(r, onToken: nil)
    }
}
