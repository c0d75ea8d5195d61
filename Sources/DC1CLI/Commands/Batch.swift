import DC1Core
import Glibc

/// `batch run` / `batch status`: the core's batch runner (docs/batch.md) with a progress line.
enum BatchCommand {
    static let batch = Command(
        name: "batch",
        usage: "batch (run FILE --out FILE --journal FILE [--concurrency N] [--max-attempts N] [--budget-sar X] [--save-dir DIR] [--wait-timeout S] | status --journal FILE)",
        summary: "run a JSON Lines file of submits, paced, resumable, never paying twice",
        details: """
          run FILE        submit every line of FILE (one `submit` request per line, optional "id"),
                          at most --concurrency (default 4) jobs in flight, and write one result per
                          line to --out. --journal records each step; run the same command again after
                          a crash, kill or Ctrl-C to resume: nothing is paid for twice.
                          --max-attempts N   resubmit a failed job up to N jobs in all (default 1)
                          --budget-sar X     stop submitting before the quoted cost would pass X
                          --save-dir DIR     write image outputs to DIR/<id or line-N>.png
                          --wait-timeout S   each job's wait deadline (default 3600)
                          Exit 0 when every line completed, 9 when the batch ended with failed or
                          invalid lines, 20 when a quota stopped it (re-run later to continue), 21
                          when --budget-sar stopped it, 130 on Ctrl-C (re-run to resume).
          status          where the batch of --journal stands (no network)
        """,
        spec: CommandSpec(valueFlags: [["--out", "-o"], ["--journal"], ["--concurrency"], ["--max-attempts"],
                                       ["--budget-sar"], ["--save-dir"], ["--wait-timeout"]],
                          boolFlags: [], minPositionals: 1, maxPositionals: 2)
    ) { ctx, a in
        switch a.positionals[0] {
        case "run": return try run(ctx, a)
        case "status": return try status(ctx, a)
        default: throw UsageError("unknown batch action \"\(a.positionals[0])\" (run or status)", command: "batch")
        }
    }

    static func status(_ ctx: Context, _ a: ParsedArgs) throws -> Int32 {
        guard let journal = a.value("--journal") else { throw UsageError("status needs --journal FILE", command: "batch") }
        let s = try CoreClient.batchStatus(journalPath: journal)
        let c = ctx.console
        if ctx.json { c.outJSON(s); return ExitCode.ok }
        let lines = s.int("lines") ?? 0
        c.out("batch \(s.string("input_path") ?? "?"): \(lines) lines")
        c.out("  completed:     \(s.int("completed") ?? 0)")
        c.out("  failed:        \(s.int("failed") ?? 0)" + describe(s["results"]))
        c.out("  in flight:     \(s["in_flight"]?.count ?? 0)")
        c.out("  not submitted: \(s.int("not_submitted") ?? 0)")
        if let u = s["submit_unknown"], u.count > 0 { c.out("  in doubt:      \(u.count) (settled from the history on the next run)") }
        c.out("  jobs created:  \(s.int("attempts") ?? 0)")
        c.out("  spent:         \(Format.money(halala: s.int("spent_halala") ?? 0))")
        if let st = s["last_stop"], let r = st.string("reason") { c.out("  last stop:     \(r): \(st.string("message") ?? "")") }
        for j in s["in_flight"]?.elements ?? [] {
            c.out("  line \(j.int("line") ?? 0): job \(j.string("job_id") ?? "?") in flight")
        }
        c.out((s.bool("finished") ?? false) ? "finished" : "not finished: run `dc1 batch run` again with this journal to continue")
        return ExitCode.ok
    }

    static func describe(_ results: JSON?) -> String {
        guard let r = results else { return "" }
        let parts = r.keys.filter { $0 != "completed" }.map { "\($0) \(r.int($0) ?? 0)" }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    static func run(_ ctx: Context, _ a: ParsedArgs) throws -> Int32 {
        guard a.positionals.count == 2 else { throw UsageError("run needs the input FILE", command: "batch") }
        let input = a.positionals[1]
        guard let out = a.value("--out") else { throw UsageError("run needs --out FILE", command: "batch") }
        guard let journal = a.value("--journal") else { throw UsageError("run needs --journal FILE", command: "batch") }
        var o = CoreClient.BatchOptions()
        o.outPath = out
        o.journalPath = journal
        if let v = try a.int("--concurrency", 1...64) { o.concurrency = v }
        if let v = try a.int("--max-attempts", 1...100) { o.maxAttempts = v }
        o.budgetSar = try a.double("--budget-sar", min: 0)
        o.saveDir = a.value("--save-dir")
        if let ms = try a.milliseconds("--wait-timeout") { o.wait.timeoutMs = ms }
        let client = try ctx.client()
        let c = ctx.console
        var resume = "dc1 batch run \(input) --out \(out) --journal \(journal)"
        if o.concurrency != 4 { resume += " --concurrency \(o.concurrency)" }
        if o.maxAttempts != 1 { resume += " --max-attempts \(o.maxAttempts)" }
        if let b = a.value("--budget-sar") { resume += " --budget-sar \(b)" }
        if let d = o.saveDir { resume += " --save-dir \(d)" }

        let last = LastLine()
        let onEvent: (JSON) -> Bool = { ev in
            if Interrupts.shared.isInterrupted { return false }
            if ctx.json { return true }
            switch ev.string("type") {
            case "line":
                let st = ev.string("status") ?? "?"
                if st == "failed" || st == "invalid" || st == "error" || st == "unknown" || st == "cancelled" {
                    let id = ev["id"].map { " (\(Format.scalar($0)))" } ?? ""
                    let msg = ev["error"]?.string("message") ?? ""
                    c.err("line \(ev.int("line") ?? 0)\(id): \(st)" + (msg.isEmpty ? "" : ": \(msg)"))
                }
            case "progress", "tick":
                let l = progressLine(ev)
                if l != last.text { c.status(l); last.text = l }
            case "pause":
                c.status("batch: rate limited; next submit in \(Format.seconds(Int64(ev.int("wait_ms") ?? 0)))")
            case "stop":
                if ev.string("reason") != "interrupted" {
                    c.err("batch: submitting stopped (\(ev.string("reason") ?? "?")): \(ev.string("message") ?? "")")
                }
            default: break
            }
            return true
        }
        var stopError: DC1Error? = nil
        var summary = JSON.object()
        do throws(DC1Error) {
            summary = try client.batchRun(inputPath: input, options: o, onEvent: onEvent)
        } catch {
            stopError = error
            for (k, v) in error.details { summary.set(k, v) }
        }
        c.clearStatus()
        if ctx.json {
            if let e = stopError {
                let d = e.document()
                c.outJSON(d)
            } else {
                c.outJSON(summary)
            }
        } else {
            printSummary(c, summary)
        }
        if let e = stopError {
            switch e.code {
            case .interrupted:
                c.err("dc1: batch stopped (Ctrl-C). The journal is consistent; resume with:\n  \(resume)")
                let running = summary.int("running") ?? 0
                if running > 0 {
                    c.err("\(running) job(s) are still running on the server (see \(out)); the resumed run waits for them. "
                          + "To stop paying for them instead: dc1 cancel JOB_ID")
                }
                return ExitCode.interrupted
            case .quotaExceeded:
                c.err("dc1: \(e.message)\nresume later with:\n  \(resume)")
                return ExitCode.batchQuota
            default:
                if summary.int("lines") == nil { throw e }
                c.err("dc1: \(e.message)\nresume with:\n  \(resume)")
                return ExitCode.of(e.code)
            }
        }
        if summary.string("stopped") == "budget" {
            c.err("dc1: \(summary.string("stop_message") ?? "the budget stopped the batch")\n"
                  + "raise --budget-sar and resume with the same --journal")
            return ExitCode.batchBudget
        }
        return (summary.bool("all_completed") ?? false) ? ExitCode.ok : ExitCode.jobFailed
    }

    final class LastLine { var text = "" }

    static func progressLine(_ ev: JSON) -> String {
        let lines = ev.int("lines") ?? 0
        let done = ev.int("done") ?? 0
        let failed = ev.int("failed") ?? 0
        var s = "batch: \(done)/\(lines) done, \(failed) failed, \(ev.int("running") ?? 0) running, "
            + "\(ev.int("queued") ?? 0) queued, \(ev.int("pending") ?? 0) to submit · "
            + "\(Format.sar(halala: ev.int("spent_halala") ?? 0))"
        if let b = ev.double("budget_sar") { s += " of \(trimNumber(b))" }
        let rate = ev.double("jobs_per_min") ?? 0
        if rate > 0 {
            s += " · \(Int(rate.rounded()))/min"
            let left = lines - done - failed
            if left > 0 { s += " · ETA \(Format.seconds(Int64(Double(left) / rate * 60_000)))" }
        }
        return s
    }

    static func printSummary(_ c: Console, _ s: JSON) {
        guard let lines = s.int("lines") else { return }
        var parts = ["\(s.int("completed") ?? 0) completed", "\(s.int("failed") ?? 0) failed"]
        if let n = s.int("not_submitted"), n > 0 { parts.append("\(n) not submitted") }
        if let n = s.int("running"), n > 0 { parts.append("\(n) still running") }
        c.out("batch: \(lines) lines: " + parts.joined(separator: ", ")
              + " · \(s.int("attempts") ?? 0) jobs (\(s.int("jobs_created") ?? 0) this run)"
              + " · spent \(Format.money(halala: s.int("spent_halala") ?? 0))")
        if let p = s.string("out_path") { c.out("results: \(p)") }
    }
}
