/// dc1_job_wait: polling with a deadline, a growing interval, tolerance for transient errors
/// and for unknown or backward statuses (§5.1, §18).
extension CoreClient {
    public struct WaitOptions: Sendable {
        public var timeoutMs: Int64 = 600_000
        public var pollIntervalMs: Int64 = 1_000
        public var maxPollIntervalMs: Int64 = 10_000
        public var ready = false
        public var cancelOnTimeout = false
        /// Follow the status stream (§8.7) instead of polling, falling back to polling when
        /// the stream is unavailable. One connection replaces a poll every interval.
        public var useStream = true
        public init() {}

        public static func from(_ json: JSON?) throws(DC1Error) -> WaitOptions {
            let o = try Opts(json, "options", allowed: ["timeout_ms", "poll_interval_ms", "max_poll_interval_ms", "mode", "cancel_on_timeout", "use_stream"])
            var w = WaitOptions()
            if let v = try o.int("timeout_ms", 1...(Int(Int32.max) * 100)) { w.timeoutMs = Int64(v) }
            if let v = try o.int("poll_interval_ms", 10...3_600_000) { w.pollIntervalMs = Int64(v) }
            if let v = try o.int("max_poll_interval_ms", 10...3_600_000) { w.maxPollIntervalMs = Int64(v) }
            w.maxPollIntervalMs = Swift.max(w.maxPollIntervalMs, w.pollIntervalMs)
            if let m = try o.string("mode") {
                guard m == "terminal" || m == "ready" else { throw .invalid("options: mode must be \"terminal\" or \"ready\"") }
                w.ready = m == "ready"
            }
            w.cancelOnTimeout = try o.bool("cancel_on_timeout") ?? false
            w.useStream = try o.bool("use_stream") ?? true
            return w
        }
    }

    /// Errors that may pass: the next poll can succeed.
    private func transient(_ e: DC1Error) -> Bool {
        switch e.code {
        case .network, .timeout, .server, .rateLimited, .protocolError: return true
        default: return false
        }
    }

    public func wait(_ id: String?, options w: WaitOptions) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        let token = interruptToken()
        let deadline = Deadline(afterMs: w.timeoutMs)
        var interval = w.pollIntervalMs
        var last: JSON? = nil
        var lastStatus: String? = nil
        var lastError: DC1Error? = nil
        var polls = 0

        if w.useStream && !w.ready {
            var so = StreamOptions()
            so.timeoutMs = w.timeoutMs
            so.idleTimeoutMs = 60_000
            so.maxReconnects = 5
            do throws(DC1Error) {
                let r = try streamStatus(jobID, options: so) { doc in
                    if doc.has("status") { last = doc }
                    if let s = doc.string("status"), s != lastStatus {
                        log(.debug, "job \(jobID): \(lastStatus ?? "-") → \(s) (stream)")
                        lastStatus = s
                    }
                    return true
                }
                if r.bool("terminal") == true {
                    let full = try job(jobID, token: token, timeoutMs: Swift.max(Swift.min(options.timeoutMs, deadline.remainingMs), 1000))
                    full.set("polls", 1)
                    full.set("stream_connections", (r.int("reconnects") ?? 0) + 1)
                    return full
                }
            } catch {
                switch error.code {
                case .interrupted, .auth: throw error
                case .notFound where error.detail("body")?.isObject ?? false: throw error   // the job, not the route
                default:
                    lastError = error
                    log(.info, "job \(jobID): status stream unavailable (\(error.message)); polling instead")
                }
            }
        }

        while true {
            if token.isInterrupted { throw DC1Error(.interrupted, "the call was interrupted by dc1_client_interrupt()") }
            let budget = Swift.min(options.timeoutMs, deadline.remainingMs)
            if budget > 0 {
                do throws(DC1Error) {
                    polls += 1
                    // "ready" needs endpoint_url, which only the full job carries (§8.3);
                    // otherwise the light /status poll (§16.20).
                    let doc = w.ready ? try job(jobID, token: token, timeoutMs: budget)
                                      : try jobStatus(jobID, token: token, timeoutMs: budget)
                    last = doc
                    lastError = nil
                    let status = doc.string("status")
                    if status != lastStatus {
                        log(.debug, "job \(jobID): \(lastStatus ?? "-") → \(status ?? "?")")
                        lastStatus = status
                    }
                    if w.ready {
                        if let url = doc.string("endpoint_url"), !url.isEmpty, !JobStatus.isTerminal(status) {
                            doc.set("polls", polls)
                            return doc
                        }
                        if JobStatus.isTerminal(status) {
                            var e = DC1Error(status == "cancelled" ? .jobCancelled : .jobFailed,
                                             "job \(jobID) ended (\(status ?? "?")) before its endpoint was ready"
                                             + (doc.string("error").map { ": \($0)" } ?? ""))
                            if status == "completed" { e.code = .notReady; e.message = "job \(jobID) completed without an endpoint_url" }
                            e.setDetail("job", doc)
                            throw e
                        }
                    } else if JobStatus.isTerminal(status) {
                        let full = try job(jobID, token: token, timeoutMs: Swift.max(budget, 1000))
                        full.set("polls", polls + 1)
                        return full
                    }
                } catch let e where transient(e) {
                    lastError = e
                    log(.info, "job \(jobID): poll failed (\(e.message)); still waiting")
                    if e.code == .rateLimited, let ra = e.retryAfterMs { interval = Swift.max(interval, Int64(ra)) }
                }
            }
            let left = deadline.remainingMs
            if left <= 0 {
                var e = DC1Error(.timeout, "job \(jobID) did not \(w.ready ? "become ready" : "finish") within \(w.timeoutMs) ms"
                    + " (last status: \(lastStatus ?? "unknown")"
                    + (lastError.map { "; last error: \($0.message)" } ?? "") + ")")
                if let last { e.setDetail("job", last) }
                e.setDetail("job_id", .string(jobID))
                if w.cancelOnTimeout {
                    do {
                        let c = try cancel(jobID)
                        e.message += "; the job was cancelled (cancel_on_timeout)"
                        if let j = c["job"] { e.setDetail("job", j) }
                    } catch {
                        e.message += "; cancel_on_timeout failed: \(error.message)"
                    }
                }
                throw e
            }
            guard Clock.sleep(ms: Swift.min(interval, left), stop: { token.isInterrupted }) else {
                throw DC1Error(.interrupted, "the call was interrupted by dc1_client_interrupt()")
            }
            interval = Swift.min(interval * 3 / 2, w.maxPollIntervalMs)
        }
    }
}
