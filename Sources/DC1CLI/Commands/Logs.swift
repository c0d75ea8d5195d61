import ArgumentParser
import DC1Core

/// `logs`: GET /api/jobs/{id}/logs (§8.5). `-f` follows the log to the job's end through the
/// core (the SSE stream of §8.6, or polling with `since` where the server has no stream).
struct LogsCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a job's log lines (-f: follow until the job ends).",
        discussion: "With --json, each log event (following) or each page of lines prints as one JSON document.")

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The job id (job-…).") var jobID: String
    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing new lines until the job is terminal.")
    var follow = false
    @Option(help: ArgumentHelp("Start after line number N (default 0).", valueName: "N")) var since: Int?

    func execute(_ ctx: Context) throws -> Int32 {
        let client = try ctx.client()
        var since = try Check.int(self.since, "--since", 0...Int(Int32.max), command: "logs") ?? 0
        let c = ctx.console
        if follow {
            // The core follows the stream, or polls where there is none; the CLI only prints.
            var so = Streams.Options()
            so.since = since
            so.timeoutMs = 24 * 3_600_000
            so.tickMs = 100
            let summary = try client.streams.followLogs(jobID, options: so) { ev in
                if Interrupts.shared.isInterrupted { return false }
                switch ev.string("type") {
                case "tick": return true
                case "log": if ctx.json { c.outJSON(ev) } else { c.out(Self.format(ev)) }
                default: if ctx.json { c.outJSON(ev) }
                }
                c.flush()
                return true
            }
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            // Where the job ended, as a status line (not an error: following stopped because it ended).
            if !ctx.json { c.err("(job \(jobID) is \(summary.string("status") ?? "finished"); no more logs)") }
            return ExitCode.ok
        }

        // One read of everything there is now, page by page.
        var first = true
        while true {
            if Interrupts.shared.isInterrupted { throw Interrupts.error() }
            let o = JSON.object()
            o.set("since", since)
            o.set("limit", 1000)
            let doc = try client.jobs.logs(jobID, options: o)
            let lines = doc["logs"]?.elements ?? []
            if ctx.json {
                if !lines.isEmpty || first { c.outJSON(doc) }
            } else {
                for l in lines { c.out(Self.format(l)) }
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
