/// Following a job's log to its end (dc1_job_logs_stream): the SSE stream (§8.6) where the
/// server offers it, otherwise the same events by polling GET /logs with `since` (§8.5), so no
/// binding or command needs a polling loop of its own.
extension Streams {
    /// Whether a failure of the stream's first connection means "no stream here" (so polling
    /// may do instead) rather than a problem polling would meet too.
    static func streamUnavailable(_ e: DC1Error) -> Bool {
        switch e.code {
        case .protocolError, .http: return true
        case .notFound: return !(e.detail("body")?.isObject ?? false)  // the route, not the job
        default: return false
        }
    }

    public func followLogs(
        _ id: String?, options o: Streams.Options,
        onEvent: (JSON) -> Bool
    ) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        var lastSeen = o.since
        var delivered = 0
        do throws(DC1Error) {
            return try streamLogs(jobID, options: o) { ev in
                if let n = ev.int("line_no") { lastSeen = Swift.max(lastSeen, n) }
                delivered += 1
                return onEvent(ev)
            }
        } catch  where o.pollFallback && Streams.streamUnavailable(error) {
            session.log(.info, "job \(jobID): log stream unavailable (\(error.message)); polling instead")
            var po = o
            po.since = lastSeen
            return try withTicks(o.tickMs, onEvent) { (hook) throws(DC1Error) -> JSON in
                try pollLogs(jobID, options: po, alreadyDelivered: delivered, hook: hook, onEvent: onEvent)
            }
        }
    }

    /// The polling half: pages of /logs until the job is terminal and one more read found
    /// nothing new (lines written with the final status may land late).
    private func pollLogs(
        _ jobID: String, options o: Streams.Options, alreadyDelivered: Int, hook: TickHook?,
        onEvent: (JSON) -> Bool
    ) throws(DC1Error) -> JSON {
        let token = session.interruptToken()
        let deadline = Deadline(afterMs: o.timeoutMs)
        var since = o.since
        var lines = alreadyDelivered
        var finishing = false
        var status: String? = nil
        var polls = 0
        func result(_ ended: String) -> JSON {
            let out = JSON.object()
            out.set("job_id", jobID)
            out.set("lines", lines)
            out.set("last_line_no", since)
            out.set("reconnects", 0)
            out.set("polls", polls)
            out.set("ended", ended)
            if let status { out.set("status", status) }
            return out
        }
        func stopped() throws(DC1Error) -> JSON {
            if hook?.stopped == true { return result("stopped") }
            throw token.error(attempts: polls)
        }
        while true {
            if token.isInterrupted { return try stopped() }
            let page: JSON
            do throws(DC1Error) {
                polls += 1
                let q = JSON.object()
                q.set("since", since)
                q.set("limit", 1000)
                page = try session.jobs.logs(jobID, options: q)
            } catch  where Jobs.isTransient(error) && !deadline.expired {
                session.log(.info, "job \(jobID): logs poll failed (\(error.message)); retrying")
                guard
                    Clock.sleep(
                        ms: Swift.min(o.pollIntervalMs, Swift.max(deadline.remainingMs, 0)),
                        stop: { token.isInterrupted })
                else { return try stopped() }
                continue
            } catch  where error.code == .interrupted {
                return try stopped()
            }
            let entries = page["logs"]?.elements ?? []
            for l in entries {
                guard let n = l.int("line_no"), n > since else { continue }
                since = n
                lines += 1
                let ev = l.deepCopy()
                ev.set("type", "log")
                if !ev.has("line") { ev.set("line", l.string("message")) }
                if !onEvent(ev) { return result("stopped") }
            }
            since = Swift.max(since, page.int("next_since") ?? since)
            if page.bool("has_more") == true && !entries.isEmpty { continue }
            status = page.string("status") ?? status
            if JobStatus.isTerminal(status) {
                if finishing {
                    let end = JSON.object()
                    end.set("type", "end")
                    end.set("status", status)
                    _ = onEvent(end)
                    return result("end")
                }
                finishing = true
                continue
            }
            if deadline.expired { throw DC1Error(.timeout, "GET /api/jobs/{id}/logs: the follow's deadline passed") }
            guard
                Clock.sleep(
                    ms: Swift.min(o.pollIntervalMs, Swift.max(deadline.remainingMs, 0)),
                    stop: { token.isInterrupted })
            else { return try stopped() }
        }
    }
}
