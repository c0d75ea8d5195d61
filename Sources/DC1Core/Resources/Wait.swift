/// dc1_job_watch / dc1_job_wait: the one place that waits for a job. It follows the status
/// stream (§8.7) or polls with a growing interval, rides out transient failures and unknown or
/// backward statuses (§5.1, §18), and tells the caller what it sees as events.
extension Jobs {
    /// What a wait waits for.
    public enum WaitMode: String, Sendable {
        /// A terminal status (completed, failed, cancelled, …), whatever it is.
        case terminal
        /// A vllm_serve job that runs with an endpoint_url.
        case ready
        /// `ready` for vllm_serve jobs, `terminal` for every other type: decided from the job.
        /// A vllm_serve job that ends without serving ends the wait too, with no error: its
        /// final document is the result (what a caller who does not know the type expects).
        case auto
    }

    public struct WaitOptions: Sendable {
        public var timeoutMs: Int64 = 600_000
        public var pollIntervalMs: Int64 = 1_000
        public var maxPollIntervalMs: Int64 = 10_000
        public var mode = WaitMode.terminal
        public var cancelOnTimeout = false
        /// Follow the status stream (§8.7) instead of polling, falling back to polling when
        /// the stream is unavailable. One connection replaces a poll every interval.
        public var useStream = true
        /// How often a watch's callback receives a "tick" event.
        public var tickMs: Int64 = 250
        /// The result also carries "output" (and "output_error"), as dc1_job_get_with_output:
        /// a completed job's output (read once per client, OutputCache) or a serving job's
        /// endpoint, so a binding gets the job and its result from one call.
        public var withOutput = false
        public init() {}

        public var ready: Bool {
            get { mode == .ready }
            set { mode = newValue ? .ready : .terminal }
        }

        public static func from(_ json: JSON?) throws(DC1Error) -> WaitOptions {
            let o = try Opts(
                json, "options",
                allowed: [
                    "timeout_ms", "poll_interval_ms", "max_poll_interval_ms", "mode",
                    "cancel_on_timeout", "use_stream", "tick_ms", "with_output",
                ])
            var w = WaitOptions()
            if let v = try o.int("timeout_ms", 1...(Int(Int32.max) * 100)) { w.timeoutMs = Int64(v) }
            if let v = try o.int("poll_interval_ms", 10...3_600_000) { w.pollIntervalMs = Int64(v) }
            if let v = try o.int("max_poll_interval_ms", 10...3_600_000) { w.maxPollIntervalMs = Int64(v) }
            w.maxPollIntervalMs = Swift.max(w.maxPollIntervalMs, w.pollIntervalMs)
            if let m = try o.string("mode") {
                guard let mode = WaitMode(rawValue: m) else {
                    throw .invalid("options: mode must be \"terminal\", \"ready\" or \"auto\"")
                }
                w.mode = mode
            }
            w.cancelOnTimeout = try o.bool("cancel_on_timeout") ?? false
            w.useStream = try o.bool("use_stream") ?? true
            if let v = try o.int("tick_ms", 50...60_000) { w.tickMs = Int64(v) }
            w.withOutput = try o.bool("with_output") ?? false
            return w
        }
    }

    /// Failures the next poll may not see again: a wait rides them out until its deadline.
    static func isTransient(_ e: DC1Error) -> Bool {
        switch e.code {
        case .network, .timeout, .server, .rateLimited, .protocolError: return true
        default: return false
        }
    }

    /// dc1_job_wait: a watch nobody listens to.
    public func wait(_ id: String?, options w: WaitOptions) throws(DC1Error) -> JSON {
        try watch(id, options: w, onEvent: nil)
    }

    /// Waits as `options` say and reports what it sees to `onEvent` (on this thread):
    /// `{"type":"status",…}` on each status change, `{"type":"retry",…}` for a transient failure
    /// it rides out, and `{"type":"tick",…}` every `tickMs`. Returning false ends the call
    /// with `.interrupted`. Returns the full job document plus "polls", "mode" and, when the
    /// stream was used, "stream_connections".
    public func watch(
        _ id: String?, options w: WaitOptions,
        onEvent: ((JSON) -> Bool)?
    ) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        var run = WaitRun(client: session, jobID: jobID, options: w, onEvent: onEvent)
        guard let onEvent else { return try run.run() }
        let hook = TickHook(intervalMs: w.tickMs) { [run] in onEvent(run.tickEvent()) }
        run.hook = hook
        return try hook.run { () throws(DC1Error) -> JSON in try run.run() }
    }
}

/// One wait in progress: what it has seen so far and how it reports it.
private struct WaitRun {
    let client: Session
    let jobID: String
    let options: Jobs.WaitOptions
    let onEvent: ((JSON) -> Bool)?
    var hook: TickHook? = nil

    /// Counters shared with the tick closure (which runs while the wait is inside a request).
    final class Progress {
        let startedMs = Clock.nowMs()
        var deadline: Deadline
        var lastStatus: String? = nil
        var attempts = 0
        init(_ timeoutMs: Int64) { deadline = Deadline(afterMs: timeoutMs) }
    }
    let progress: Progress

    init(client: Session, jobID: String, options: Jobs.WaitOptions, onEvent: ((JSON) -> Bool)?) {
        self.client = client
        self.jobID = jobID
        self.options = options
        self.onEvent = onEvent
        self.progress = Progress(options.timeoutMs)
    }

    var elapsedMs: Int64 { Clock.nowMs() - progress.startedMs }

    func tickEvent() -> JSON {
        let t = JSON.object()
        t.set("type", "tick")
        t.set("job_id", jobID)
        t.set("status", progress.lastStatus)
        t.set("elapsed_ms", Int(elapsedMs))
        t.set("remaining_ms", Int(Swift.max(progress.deadline.remainingMs, 0)))
        t.set("attempts", progress.attempts)
        return t
    }

    /// Hands an event to the caller; a "stop" answer ends the wait.
    func emit(_ event: JSON, token: InterruptToken) throws(DC1Error) {
        guard let onEvent else { return }
        if !onEvent(event) {
            hook?.markStopped()
            throw token.error(attempts: progress.attempts)
        }
    }

    /// Records a document's status and reports a change.
    func observe(_ doc: JSON, source: String, token: InterruptToken) throws(DC1Error) {
        let status = doc.string("status")
        guard status != progress.lastStatus else { return }
        client.log(.debug, "job \(jobID): \(progress.lastStatus ?? "-") → \(status ?? "?") (\(source))")
        let previous = progress.lastStatus
        progress.lastStatus = status
        guard onEvent != nil else { return }
        let e = JSON.object()
        e.set("type", "status")
        e.set("job_id", jobID)
        e.set("status", status)
        e.set("previous", previous)
        e.set("source", source)
        e.set("elapsed_ms", Int(elapsedMs))
        e.set("job", doc)
        try emit(e, token: token)
    }

    func retryEvent(_ error: DC1Error, token: InterruptToken) throws(DC1Error) {
        client.log(.info, "job \(jobID): \(error.message); still waiting")
        guard onEvent != nil else { return }
        let e = JSON.object()
        e.set("type", "retry")
        e.set("job_id", jobID)
        e.set("code", error.code.name)
        e.set("message", error.message)
        e.set("elapsed_ms", Int(elapsedMs))
        try emit(e, token: token)
    }

    /// The budget of one request: the client's timeout, never past the wait's deadline.
    var requestBudgetMs: Int64 { Swift.min(client.options.timeoutMs, progress.deadline.remainingMs) }

    func finish(_ doc: JSON, mode: Jobs.WaitMode, polls: Int, streamConnections: Int?) throws(DC1Error) -> JSON {
        doc.set("polls", polls)
        doc.set("mode", mode.rawValue)
        if let streamConnections { doc.set("stream_connections", streamConnections) }
        if options.withOutput {
            let (output, failure) = try client.jobs.outputOf(doc)
            doc.set("output", output ?? .null())
            doc.set("output_error", failure ?? .null())
        }
        return doc
    }

    /// Whether a document ends a wait in `mode`: the result, an error, or nil to go on.
    func verdict(_ doc: JSON, mode: Jobs.WaitMode) throws(DC1Error) -> Bool {
        let status = doc.string("status")
        let terminal = JobStatus.isTerminal(status)
        guard mode == .ready else { return terminal }
        if let url = doc.string("endpoint_url"), !url.isEmpty, !terminal { return true }
        guard terminal else { return false }
        if options.mode == .auto { return true }  // "auto": ended without serving is an end too
        var e = DC1Error(
            status == "cancelled" ? .jobCancelled : .jobFailed,
            "job \(jobID) ended (\(status ?? "?")) before its endpoint was ready"
                + (doc.string("error").map { ": \($0)" } ?? ""))
        if status == "completed" { e = DC1Error(.notReady, "job \(jobID) completed without an endpoint_url") }
        e.setDetail("job", doc)
        throw e
    }

    func run() throws(DC1Error) -> JSON {
        let token = client.interruptToken()
        var mode = options.mode
        var interval = options.pollIntervalMs
        var last: JSON? = nil
        var lastError: DC1Error? = nil
        var polls = 0

        /// One poll: the light /status route, or the full job where the mode needs it
        /// ("ready" needs endpoint_url, which only the full job carries, §8.3; "auto" the type).
        func poll() throws(DC1Error) -> JSON? {
            let budget = requestBudgetMs
            guard budget > 0 else { return nil }
            polls += 1
            progress.attempts += 1
            do throws(DC1Error) {
                let full = mode != .terminal
                let doc =
                    full
                    ? try client.jobs.job(jobID, token: token, timeoutMs: budget)
                    : try client.jobs.jobStatus(jobID, token: token, timeoutMs: budget)
                lastError = nil
                last = doc
                if mode == .auto { mode = doc.string("job_type") == "vllm_serve" ? .ready : .terminal }
                try observe(doc, source: full ? "job" : "poll", token: token)
                return doc
            } catch let e where Jobs.isTransient(e) {
                lastError = e
                try retryEvent(e, token: token)
                if e.code == .rateLimited, let ra = e.retryAfterMs { interval = Swift.max(interval, Int64(ra)) }
                return nil
            }
        }

        /// The full job at the end (a status poll carries only a few fields).
        func fullJob(_ doc: JSON, isFull: Bool) throws(DC1Error) -> JSON {
            if isFull { return doc }
            polls += 1
            progress.attempts += 1
            return try client.jobs.job(jobID, token: token, timeoutMs: Swift.max(requestBudgetMs, 1000))
        }

        // "auto" learns the job type from the first poll (which may already end the wait).
        while mode == .auto {
            if let doc = try poll() {
                if try verdict(doc, mode: mode) {
                    return try finish(doc, mode: mode, polls: polls, streamConnections: nil)
                }
                break
            }
            if progress.deadline.expired { throw timeoutError(last: last, lastError: lastError, mode: .terminal) }
            try pause(interval, token: token)
            interval = Swift.min(interval * 3 / 2, options.maxPollIntervalMs)
        }

        if options.useStream && mode == .terminal {
            var so = Streams.Options()
            so.timeoutMs = Swift.max(progress.deadline.remainingMs, 1)
            so.idleTimeoutMs = 60_000
            so.maxReconnects = 5
            progress.attempts += 1
            var streamError: DC1Error? = nil
            do throws(DC1Error) {
                let r = try client.streams.streamStatus(jobID, options: so) { doc in
                    guard doc.has("status") else { return true }
                    last = doc
                    do throws(DC1Error) { try observe(doc, source: "stream", token: token) } catch {
                        streamError = error
                        return false
                    }
                    return true
                }
                if let streamError { throw streamError }
                if r.bool("terminal") == true {
                    polls += 1
                    progress.attempts += 1
                    let full = try client.jobs.job(
                        jobID, token: token,
                        timeoutMs: Swift.max(Swift.min(client.options.timeoutMs, progress.deadline.remainingMs), 1000))
                    return try finish(full, mode: mode, polls: polls, streamConnections: (r.int("reconnects") ?? 0) + 1)
                }
            } catch {
                switch error.code {
                case .interrupted, .auth: throw error
                case .notFound where error.detail("body")?.isObject ?? false: throw error  // the job, not the route
                default:
                    lastError = error
                    client.log(.info, "job \(jobID): status stream unavailable (\(error.message)); polling instead")
                }
            }
        }

        while true {
            if token.isInterrupted { throw token.error(attempts: progress.attempts) }
            if let doc = try poll(), try verdict(doc, mode: mode) {
                return try finish(
                    try fullJob(doc, isFull: mode != .terminal), mode: mode, polls: polls, streamConnections: nil)
            }
            if progress.deadline.expired { throw timeoutError(last: last, lastError: lastError, mode: mode) }
            try pause(interval, token: token)
            interval = Swift.min(interval * 3 / 2, options.maxPollIntervalMs)
        }
    }

    func pause(_ ms: Int64, token: InterruptToken) throws(DC1Error) {
        let left = progress.deadline.remainingMs
        guard Clock.sleep(ms: Swift.max(Swift.min(ms, left), 0), stop: { token.isInterrupted }) else {
            throw token.error(attempts: progress.attempts)
        }
    }

    func timeoutError(last: JSON?, lastError: DC1Error?, mode: Jobs.WaitMode) -> DC1Error {
        var e = DC1Error(
            .waitTimeout,
            "job \(jobID) did not \(mode == .ready ? "become ready" : "finish") within \(options.timeoutMs) ms"
                + " (last status: \(progress.lastStatus ?? "unknown")"
                + (lastError.map { "; last error: \($0.message)" } ?? "") + ")")
        if !options.cancelOnTimeout {
            e.message +=
                "; the job is still running on the server and is billed until it ends: wait for it again, "
                + "or cancel it (dc1_job_cancel \(jobID))"
        }
        if let last { e.setDetail("job", last) }
        e.setDetail("job_id", .string(jobID))
        e.setDetail("timeout_ms", .int(Int(options.timeoutMs)))
        e.attempts = progress.attempts
        if options.cancelOnTimeout {
            do {
                let c = try client.jobs.cancel(jobID)
                e.message += "; the job was cancelled (cancel_on_timeout)"
                if let j = c["job"] { e.setDetail("job", j) }
            } catch {
                e.message += "; cancel_on_timeout failed: \(error.message)"
            }
        }
        return e
    }
}
