import DC1Core

/// `logs`: GET /api/jobs/{id}/logs (§8.5). `-f` follows the log stream (§8.6, SSE; the core sends
/// the key in the x-renter-key header, which that route accepts after ?key) and falls back to
/// polling with `since` when the stream is not available.
enum LogsCommand {
    static let pollMs: Int64 = 1_000

    static let logs = Command(
        name: "logs", usage: "logs <job_id> [-f] [--since N]",
        summary: "print a job's log lines (-f: follow until the job ends)",
        details: """
          -f, --follow    keep printing new lines until the job is terminal
          --since N       start after line number N (default 0)
        With --json, each poll that returns lines prints the core's logs document on one line.
        """,
        spec: CommandSpec(valueFlags: [["--since"]], boolFlags: [["-f", "--follow"]], minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let client = try ctx.client()
        let jobID = a.positionals[0]
        var since = try a.int("--since", 0...Int(Int32.max)) ?? 0
        let follow = a.has("-f")
        let c = ctx.console
        var drainedAfterEnd = false
        var first = true

        if follow {
            var so = CoreClient.StreamOptions()
            so.since = since
            so.timeoutMs = 24 * 3_600_000
            do {
                let summary = try client.streamLogs(jobID, options: so) { ev in
                    if ctx.json { c.outJSON(ev) }
                    else if ev.string("type") == "log" { c.out(format(ev)) }
                    c.flush()
                    return !Interrupts.shared.isInterrupted
                }
                if Interrupts.shared.isInterrupted { throw Interrupts.error() }
                if !ctx.json { c.err("dc1: job \(jobID) is \(summary.string("status") ?? "finished")") }
                return ExitCode.ok
            } catch let e as DC1Error where e.code == .protocolError || e.code == .http
                        || (e.code == .notFound && !(e.detail("body")?.isObject ?? false)) {
                if ctx.globals.verbose { c.err("dc1: log stream unavailable (\(e.message)); polling") }
            }
        }

        while true {
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            let o = JSON.object()
            o.set("since", since)
            o.set("limit", 1000)
            let doc: JSON
            do {
                doc = try client.logs(jobID, options: o)
            } catch let e as DC1Error where follow && !first && [DC1Code.network, .timeout, .server, .rateLimited].contains(e.code) {
                if ctx.globals.verbose { c.err("dc1: logs poll failed (\(e.message)); retrying") }
                guard Interrupts.shared.sleep(ms: pollMs) else { throw Interrupts.error() }
                continue
            }
            let lines = doc["logs"]?.elements ?? []
            if ctx.json {
                if !lines.isEmpty || (first && !follow) { c.outJSON(doc) }
            } else {
                for l in lines { c.out(format(l)) }
            }
            first = false
            c.flush()
            since = doc.int("next_since") ?? since
            if doc.bool("has_more") ?? false { continue }
            if !follow { return ExitCode.ok }

            var status = doc.string("status")
            if status == nil { status = try client.jobStatus(jobID).string("status") }
            if JobStatus.isTerminal(status) {
                // One more read: lines written just before the final status may arrive late.
                if drainedAfterEnd {
                    if !ctx.json { c.err("dc1: job \(jobID) is \(status ?? "?")") }
                    return ExitCode.ok
                }
                drainedAfterEnd = true
                continue
            }
            guard Interrupts.shared.sleep(ms: pollMs) else { throw Interrupts.error() }
        }
    }

    /// "05:00:03 info  [dcp] Loading model…"
    static func format(_ l: JSON) -> String {
        let level = l.string("level") ?? "info"
        let pad = String(repeating: " ", count: max(0, 5 - level.count))
        let t = Format.clock(l.string("logged_at"))
        return (t.isEmpty ? "" : t + " ") + level + pad + " " + (l.string("message") ?? l.string("line") ?? "")
    }
}
