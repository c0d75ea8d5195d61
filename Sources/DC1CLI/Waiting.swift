import DC1Core

/// Waiting for a job. With --json the core's wait does it (no progress to show). Otherwise the
/// CLI polls itself so it can show progress on stderr: a spinner line redrawn with \r on a
/// terminal, plain "status: running (12s)" lines when stderr is not one.
struct JobWaiter {
    let ctx: Context
    let client: CoreClient
    var timeoutMs: Int64 = 600_000
    /// "ready" mode (vllm_serve): done when the job runs with an endpoint_url.
    var ready = false

    static let firstIntervalMs: Int64 = 500
    static let maxIntervalMs: Int64 = 5_000

    /// Returns the job document at the end. In terminal mode a job that ended other than
    /// completed is an error (exit 9); in ready mode so is any end at all.
    func wait(_ jobID: String) throws -> JSON {
        let doc: JSON
        if ctx.json {
            var w = CoreClient.WaitOptions()
            w.timeoutMs = timeoutMs
            w.ready = ready
            doc = try client.wait(jobID, options: w)
        } else {
            doc = try poll(jobID)
        }
        if !ready && doc.string("status") != "completed" { throw jobEndedError(doc) }
        return doc
    }

    private func transient(_ e: DC1Error) -> Bool {
        switch e.code {
        case .network, .timeout, .server, .rateLimited, .protocolError: return true
        default: return false
        }
    }

    private func poll(_ jobID: String) throws -> JSON {
        let console = ctx.console
        let started = Clock.nowMs()
        let deadline = Deadline(afterMs: timeoutMs)
        var interval = JobWaiter.firstIntervalMs
        var lastStatus: String? = nil
        var lastDoc: JSON? = nil
        var lastError: DC1Error? = nil
        var frame = 0
        let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

        func elapsed() -> String { Format.seconds(Clock.nowMs() - started) }
        func draw() {
            frame = (frame + 1) % frames.count
            let what = ready ? "waiting for the endpoint" : "waiting"
            console.status("\(frames[frame]) \(jobID) \(lastStatus ?? "…") · \(elapsed()) · \(what) (Ctrl-C to stop)")
        }
        defer { console.clearStatus() }

        while true {
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            let budget = min(client.options.timeoutMs, deadline.remainingMs)
            if budget > 0 {
                do {
                    // Ready mode needs endpoint_url, which only the full job carries (§8.3);
                    // otherwise the light /status poll.
                    let doc = ready ? try client.job(jobID, timeoutMs: budget)
                                    : try client.jobStatus(jobID, timeoutMs: budget)
                    lastDoc = doc
                    lastError = nil
                    let status = doc.string("status") ?? "unknown"
                    if status != lastStatus {
                        lastStatus = status
                        console.err(console.interactive ? "· \(status) (\(elapsed()))" : "status: \(status) (\(elapsed()))")
                    }
                    let terminal = JobStatus.isTerminal(status)
                    if ready {
                        if let url = doc.string("endpoint_url"), !url.isEmpty, !terminal { return doc }
                        if terminal {
                            var e = jobEndedError(doc)
                            if status == "completed" {
                                e.code = .notReady
                                e.message = "job \(jobID) completed without an endpoint_url"
                            } else {
                                e.message += " before its endpoint was ready"
                            }
                            throw e
                        }
                    } else if terminal {
                        return try client.job(jobID, timeoutMs: max(budget, 1000))
                    }
                } catch let e as DC1Error where transient(e) {
                    lastError = e
                    if ctx.globals.verbose { console.err("dc1: poll failed (\(e.message)); still waiting") }
                    if e.code == .rateLimited, let ra = e.retryAfterMs { interval = max(interval, Int64(ra)) }
                }
            }
            let left = deadline.remainingMs
            if left <= 0 {
                var e = DC1Error(.timeout, "job \(jobID) did not \(ready ? "become ready" : "finish") within "
                    + "\(Format.seconds(timeoutMs)) (last status: \(lastStatus ?? "unknown")"
                    + (lastError.map { "; last error: \($0.message)" } ?? "") + ")")
                if let lastDoc { e.setDetail("job", lastDoc) }
                e.setDetail("job_id", .string(jobID))
                throw e
            }
            draw()
            guard Interrupts.shared.sleep(ms: min(interval, left), tick: draw) else { throw Interrupts.error() }
            interval = min(interval * 3 / 2, JobWaiter.maxIntervalMs)
        }
    }
}
