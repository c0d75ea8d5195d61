/// A job's lifecycle events (§8.8): GET /api/jobs/{id}/lifecycle and its SSE variant, which
/// runs on the stream machinery of Streams.swift (reconnects, idle timeout, deadline).
extension Jobs {
    /// GET /api/jobs/{id}/lifecycle. Adds "next_since_sequence" (the largest sequence_no seen,
    /// or the since given) so a caller can page with it.
    public func lifecycle(_ id: String?, options: JSON?) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        let o = try Opts(
            options, "options", allowed: ["since_sequence", "limit", "event_type", "status", "error_category"])
        var q: [String] = []
        let since = try o.int("since_sequence", 0...Int(Int32.max))
        if let since { q.append("since_sequence=\(since)") }
        if let l = try o.int("limit", 1...1000) { q.append("limit=\(l)") }
        for k in ["event_type", "status", "error_category"] {
            if let v = try o.string(k) { q.append(k + "=" + Paths.queryValue(v)) }
        }
        let body = try session.sendJSON(
            HTTPRequest(
                method: "GET",
                path: try Paths.job(jobID, "/lifecycle" + (q.isEmpty ? "" : "?" + q.joined(separator: "&")))))
        guard let events = body["events"], events.isArray else {
            throw DC1Error(.protocolError, "GET /api/jobs/{id}/lifecycle: the response has no events array")
        }
        var next = since ?? 0
        for e in events.elements { if let n = e.int("sequence_no"), n > next { next = n } }
        body.set("next_since_sequence", next)
        if !body.has("has_more") { body.set("has_more", false) }
        if !body.has("job_id") { body.set("job_id", jobID) }
        return body
    }
}

extension Streams {
    /// GET /api/jobs/{id}/lifecycle/stream: each event as its data object plus "event" (the SSE
    /// event name: job.submitted, job.status.changed, …, end), until `end`. Resumes with
    /// ?since_sequence=<last sequence_no> after a drop; Streams.Options.since is the first one.
    public func streamLifecycle(
        _ id: String?, options o: Streams.Options,
        onEvent: (JSON) -> Bool
    ) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        return try withTicks(o.tickMs, onEvent) { (hook) throws(DC1Error) -> JSON in
            var last = o.since
            var events = 0
            var status: String? = nil
            let r = try streamLoop(
                path: { () throws(DC1Error) -> String in
                    try Paths.job(jobID, "/lifecycle/stream?since_sequence=\(last)")
                }, options: o, hook: hook
            ) { ev in
                let doc = (try? JSON.parse(ev.data)).flatMap { $0.isObject ? $0 : nil } ?? JSON.object()
                let name = ev.event ?? doc.string("event_type") ?? doc.string("type") ?? "message"
                doc.set("event", name)
                if let s = doc.string("status") { status = s }
                if name == "end" || doc.string("type") == "end" { return onEvent(doc) ? .end : .stop }
                if let n = doc.int("sequence_no") {
                    if n <= last { return .more }  // delivered before a reconnect
                    last = n
                }
                events += 1
                return onEvent(doc) ? .more : .stop
            }
            let out = JSON.object()
            out.set("job_id", jobID)
            out.set("events", events)
            out.set("last_sequence", last)
            out.set("reconnects", r.reconnects)
            out.set("ended", r.stopped ? "stopped" : "end")
            if let status { out.set("status", status) }
            return out
        }
    }
}
