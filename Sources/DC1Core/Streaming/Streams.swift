/// The server's streams (§8.6 logs, §8.7 status) with reconnects, an idle timeout that
/// keep-alive comments do not reset, a deadline and interruption.
public struct Streams: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    public struct Options: Sendable {
        public var timeoutMs: Int64 = 3_600_000
        public var idleTimeoutMs: Int64 = 60_000
        public var since: Int = 0
        public var maxReconnects = 10
        /// When set, the consumer also gets {"type":"tick","elapsed_ms"} this often, so it can
        /// stop the stream while no data flows.
        public var tickMs: Int64? = nil
        /// Logs: follow by polling GET /logs when the server has no stream (default true).
        public var pollFallback = true
        /// Logs, polling fallback: how long to pause between reads.
        public var pollIntervalMs: Int64 = 1_000
        public init() {}

        public static func from(_ json: JSON?) throws(DC1Error) -> Options {
            let o = try Opts(
                json, "options",
                allowed: [
                    "timeout_ms", "idle_timeout_ms", "since", "max_reconnects", "tick_ms", "poll_fallback",
                    "poll_interval_ms",
                ])
            var s = Options()
            if let v = try o.int("timeout_ms", 1...(Int(Int32.max) * 100)) { s.timeoutMs = Int64(v) }
            if let v = try o.int("idle_timeout_ms", 10...86_400_000) { s.idleTimeoutMs = Int64(v) }
            if let v = try o.int("since", 0...Int(Int32.max)) { s.since = v }
            if let v = try o.int("max_reconnects", 0...1000) { s.maxReconnects = v }
            if let v = try o.int("tick_ms", 50...60_000) { s.tickMs = Int64(v) }
            s.pollFallback = try o.bool("poll_fallback") ?? true
            if let v = try o.int("poll_interval_ms", 10...3_600_000) { s.pollIntervalMs = Int64(v) }
            return s
        }
    }

    enum StreamControl { case more, stop, end }

    enum ConnectionEnd {
        /// The consumer saw the end of the stream (or asked to stop).
        case finished(stopped: Bool)
        /// The connection closed or stalled before the end: reconnect.
        case dropped(String)
    }

    /// One SSE connection. Non-2xx answers become DC1Errors; a non-SSE 2xx is a protocol error.
    func sseConnection(
        _ req: HTTPRequest, deadline: Deadline, idleMs: Int64, token: InterruptToken,
        onEvent: (SSEEvent) -> StreamControl
    ) throws(DC1Error) -> ConnectionEnd {
        var parser = SSEParser()
        var errorBody: [UInt8] = []
        var isStream: Bool? = nil
        var lastContent = Clock.nowMs()
        var idleFired = false
        var finished = false
        var stopped = false
        let route = "\(req.method) \(ErrorMapping.routeForMessages(req.path))"
        var req = req
        req.accept = "text/event-stream"
        let outcome: Result<HTTPResponse, TransportFailure> = withoutActuallyEscaping(onEvent) { onEvent in
            do throws(TransportFailure) {
                return .success(
                    try session.transport.perform(
                        req, requestID: Random.requestID(), deadline: deadline, fresh: false,
                        shouldAbort: {
                            if token.isInterrupted { return true }
                            if Clock.nowMs() - lastContent > idleMs { idleFired = true; return true }
                            return false
                        },
                        onData: { chunk, headers in
                            if isStream == nil {
                                let ct = headers.last { $0.0 == "content-type" }?.1.lowercased() ?? ""
                                isStream = ct.contains("text/event-stream")
                            }
                            guard isStream == true else {
                                if errorBody.count < 65536 { errorBody.append(contentsOf: chunk) }
                                return true
                            }
                            parser.feed(chunk) { ev in
                                guard !finished else { return }
                                lastContent = Clock.nowMs()
                                switch onEvent(ev) {
                                case .more: break
                                case .stop: finished = true; stopped = true
                                case .end: finished = true
                                }
                            }
                            return !finished && !parser.overflow
                        }))
            } catch {
                return .failure(error)
            }
        }
        let resp: HTTPResponse
        switch outcome {
        case .success(let r): resp = r
        case .failure(let error):
            switch error.kind {
            case .interrupted:
                if idleFired && !token.isInterrupted { return .dropped("no event for \(idleMs) ms (idle timeout)") }
                throw token.error()
            case .timeout:
                throw DC1Error(.timeout, "\(route): the stream's deadline passed")
            case .broken, .truncated, .notSent:
                if finished { return .finished(stopped: stopped) }
                return .dropped(error.message)
            case .tooLarge:
                throw DC1Error(.protocolError, "\(route): \(error.message)")
            case .fatal:
                throw DC1Error(.network, "\(route): \(error.message)")
            }
        }
        if finished { return .finished(stopped: stopped) }
        if !(200..<300).contains(resp.status) {
            var full = resp
            full.body = errorBody
            throw ErrorMapping.error(for: full, req)
        }
        if isStream != true {
            var e = DC1Error(
                .protocolError,
                "\(route): expected text/event-stream, got "
                    + (resp.contentType.isEmpty ? "no content type" : resp.contentType))
            e.httpStatus = resp.status
            e.requestID = resp.requestID
            throw e
        }
        if parser.overflow { throw DC1Error(.protocolError, "\(route): an event exceeded 8 MiB") }
        return .dropped("the server closed the stream before its end event")
    }

    /// Runs connections until the consumer finishes, reconnecting within the deadline.
    /// `path` is asked anew before each connection (to carry a resume point).
    /// A stop asked by the consumer's tick (`hook`) ends the loop like a stop asked on an event.
    func streamLoop(
        path: () throws(DC1Error) -> String, options o: Streams.Options, hook: TickHook? = nil,
        onEvent: (SSEEvent) -> StreamControl
    ) throws(DC1Error) -> (stopped: Bool, reconnects: Int) {
        let token = session.interruptToken()
        let deadline = Deadline(afterMs: o.timeoutMs)
        var reconnects = 0
        while true {
            let req = HTTPRequest(method: "GET", path: try path())
            let end: ConnectionEnd
            do throws(DC1Error) {
                end = try sseConnection(
                    req, deadline: deadline, idleMs: o.idleTimeoutMs, token: token, onEvent: onEvent)
            } catch  where error.code == .interrupted && hook?.stopped == true {
                return (true, reconnects)
            }
            switch end {
            case .finished(let stopped):
                return (stopped, reconnects)
            case .dropped(let why):
                reconnects += 1
                guard reconnects <= o.maxReconnects else {
                    throw DC1Error(.network, "stream dropped \(reconnects) times; last: \(why)")
                }
                let wait = Swift.min(session.backoff(reconnects), Swift.max(deadline.remainingMs - 1, 0))
                session.log(.info, "stream dropped (\(why)); reconnect \(reconnects) in \(wait) ms")
                guard Clock.sleep(ms: wait, stop: { token.isInterrupted }) else {
                    if hook?.stopped == true { return (true, reconnects) }
                    throw token.error()
                }
                if deadline.expired { throw DC1Error(.timeout, "the stream's deadline passed while reconnecting") }
            }
        }
    }

    /// Runs `body` with a tick hook that hands {"type":"tick","elapsed_ms"} to `consumer`
    /// every `tickMs` (when set), on this thread, while the stream waits for data.
    func withTicks(
        _ tickMs: Int64?, _ consumer: (JSON) -> Bool,
        _ body: (TickHook?) throws(DC1Error) -> JSON
    ) throws(DC1Error) -> JSON {
        guard let tickMs else { return try body(nil) }
        let result: Result<JSON, DC1Error> = withoutActuallyEscaping(consumer) { consumer in
            let started = Clock.nowMs()
            let hook = TickHook(intervalMs: tickMs) {
                let t = JSON.object()
                t.set("type", "tick")
                t.set("elapsed_ms", Int(Clock.nowMs() - started))
                return consumer(t)
            }
            do throws(DC1Error) {
                return .success(try hook.run { () throws(DC1Error) -> JSON in try body(hook) })
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// GET /api/jobs/{id}/logs/stream (§8.6): every log line, then the end event. Resumes with
    /// ?since=<last line_no> after a drop (the server ignores Last-Event-ID). The key goes in
    /// the x-renter-key header, which this route accepts after ?key.
    public func streamLogs(
        _ id: String?, options o: Streams.Options,
        onEvent: (JSON) -> Bool
    ) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        try session.requireKey("logs stream")
        return try withTicks(o.tickMs, onEvent) { (hook) throws(DC1Error) -> JSON in
            var last = o.since
            var lines = 0
            var finalStatus: String? = nil
            let r = try streamLoop(
                path: { () throws(DC1Error) -> String in try Paths.job(jobID, "/logs/stream?since=\(last)") },
                options: o, hook: hook
            ) { ev in
                guard let doc = try? JSON.parse(ev.data), doc.isObject else { return .more }
                if doc.string("type") == "end" {
                    finalStatus = doc.string("status")
                    return onEvent(doc) ? .end : .stop
                }
                if let n = doc.int("line_no") {
                    if n <= last { return .more }  // already delivered before a reconnect
                    last = n
                }
                lines += 1
                return onEvent(doc) ? .more : .stop
            }
            let out = JSON.object()
            out.set("job_id", jobID)
            out.set("lines", lines)
            out.set("last_line_no", last)
            out.set("reconnects", r.reconnects)
            out.set("ended", r.stopped ? "stopped" : "end")
            if let finalStatus { out.set("status", finalStatus) }
            return out
        }
    }

    /// GET /api/jobs/{id}/stream (§8.7): status events until `end` or a terminal status.
    /// Each event is delivered as its data object with "event" (the SSE event name) added.
    public func streamStatus(
        _ id: String?, options o: Streams.Options,
        onEvent: (JSON) -> Bool
    ) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        return try withTicks(o.tickMs, onEvent) { (hook) throws(DC1Error) -> JSON in
            var events = 0
            var status: String? = nil
            let r = try streamLoop(
                path: { () throws(DC1Error) -> String in try Paths.job(jobID, "/stream") },
                options: o, hook: hook
            ) { ev in
                let doc = (try? JSON.parse(ev.data)).flatMap { $0.isObject ? $0 : nil } ?? JSON.object()
                let name = ev.event ?? doc.string("event") ?? "message"
                doc.set("event", name)
                if let s = doc.string("status") { status = s }
                events += 1
                let keepGoing = onEvent(doc)
                if name == "end" || JobStatus.isTerminal(doc.string("status")) { return keepGoing ? .end : .stop }
                return keepGoing ? .more : .stop
            }
            let out = JSON.object()
            out.set("job_id", jobID)
            out.set("events", events)
            out.set("reconnects", r.reconnects)
            out.set("ended", r.stopped ? "stopped" : "end")
            if let status { out.set("status", status); out.set("terminal", JobStatus.isTerminal(status)) }
            return out
        }
    }
}
