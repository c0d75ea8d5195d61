import DC1Core

/// `logs`: GET /api/jobs/{id}/logs (§8.5). `-f` follows the log to the job's end through the
/// core (the SSE stream of §8.6, or polling with `since` where the server has no stream).
enum LogsCommand {
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
        if follow {
            // The core follows the stream, or polls where there is none; the CLI only prints.
            var so = CoreClient.StreamOptions()
            so.since = since
            so.timeoutMs = 24 * 3_600_000
            so.tickMs = 100
            let summary = try client.followLogs(jobID, options: so) { ev in
                if Interrupts.shared.isInterrupted { return false }
                switch ev.string("type") {
                case "tick": return true
                case "log": if ctx.json { c.outJSON(ev) } else { c.out(format(ev)) }
                default: if ctx.json { c.outJSON(ev) }
                }
                c.flush()
                return true
            }
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            if !ctx.json { c.err("dc1: job \(jobID) is \(summary.string("status") ?? "finished")") }
            return ExitCode.ok
        }

        // One read of everything there is now, page by page.
        var first = true
        while true {
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            let o = JSON.object()
            o.set("since", since)
            o.set("limit", 1000)
            let doc = try client.logs(jobID, options: o)
            let lines = doc["logs"]?.elements ?? []
            if ctx.json {
                if !lines.isEmpty || first { c.outJSON(doc) }
            } else {
                for l in lines { c.out(format(l)) }
            }
            first = false
            c.flush()
            since = doc.int("next_since") ?? since
            if doc.bool("has_more") ?? false, !lines.isEmpty { continue }
            return ExitCode.ok
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
