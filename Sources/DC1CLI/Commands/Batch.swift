import ArgumentParser
import DC1Core
import Glibc

/// `batch run` / `batch status`: the core's batch runner (docs/batch.md) with a progress line.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "Run a JSON Lines file of submits, paced, resumable, never paying twice.",
        subcommands: [Run.self, Status.self])

    struct Status: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Where the batch of --journal stands (no network).")
        @OptionGroup var globals: GlobalOptions
        @Option(help: ArgumentHelp("The batch's journal.", valueName: "FILE")) var journal: String

        func execute(_ ctx: Context) throws -> Int32 { try BatchCommand.status(ctx, journal: journal) }
    }

    struct Run: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Submit every line of FILE and write one result per line to --out.",
            discussion: """
                Each line of FILE is one `submit` request, with an optional "id". At most --concurrency (default 4) jobs are in flight. --journal records each step; run the same command again after a crash, kill or Ctrl-C to resume: nothing is paid for twice.

                Lines are checked before they are paid for (a model the catalogue lacks, a param of the wrong type): such a line ends "invalid" and costs nothing; --no-check sends them anyway.

                Exit 0 when every line completed, 9 when the batch ended with failed or invalid lines, 20 when a quota stopped it (re-run later to continue), 21 when --budget-sar stopped it, 22 when another run is using --journal, 130 on Ctrl-C (re-run to resume).
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: ArgumentHelp("The JSON Lines input.", valueName: "FILE")) var input: String
        @Option(
            name: [.customLong("out"), .customShort("o")],
            help: ArgumentHelp("Where the results go (JSON Lines).", valueName: "FILE"))
        var out: String
        @Option(help: ArgumentHelp("The journal that makes the batch resumable.", valueName: "FILE")) var journal:
            String
        @Option(help: ArgumentHelp("Jobs in flight at most (1–64, default 4).", valueName: "N")) var concurrency: Int?
        @Option(
            name: .customLong("max-attempts"),
            help: ArgumentHelp("Resubmit a failed job up to N jobs in all (default 1).", valueName: "N"))
        var maxAttempts: Int?
        @Option(
            name: .customLong("budget-sar"),
            help: ArgumentHelp("Stop submitting before the quoted cost would pass X.", valueName: "X"))
        var budgetSar: Double?
        @Option(
            name: .customLong("save-dir"),
            help: ArgumentHelp("Write image outputs to DIR/<id or line-N>.png.", valueName: "DIR"))
        var saveDir: String?
        @Option(
            name: .customLong("wait-timeout"),
            help: ArgumentHelp("Each job's wait deadline in seconds (default 3600).", valueName: "S"))
        var waitTimeout: Double?
        @Flag(
            name: .customLong("no-check"),
            help: "Submit lines even when the checks before paying object (their findings are then not reported).")
        var noCheck = false

        func execute(_ ctx: Context) throws -> Int32 { try BatchCommand.run(ctx, self) }
    }

    static func status(_ ctx: Context, journal: String) throws -> Int32 {
        let s = try Batch.status(journalPath: journal)
        let c = ctx.console
        if ctx.json { c.outJSON(s); return ExitCode.ok }
        let lines = s.int("lines") ?? 0
        c.out("batch \(s.string("input_path") ?? "?"): \(lines) lines")
        c.out("  completed:     \(s.int("completed") ?? 0)")
        c.out("  failed:        \(s.int("failed") ?? 0)" + describe(s["results"]))
        c.out("  invalid:       \(s.int("invalid") ?? 0)")
        c.out("  in flight:     \(s["in_flight"]?.count ?? 0)")
        c.out("  not submitted: \(s.int("not_submitted") ?? 0)")
        if let u = s["submit_unknown"], u.count > 0 {
            c.out("  in doubt:      \(u.count) (settled from the history on the next run)")
        }
        c.out("  jobs created:  \(s.int("attempts") ?? 0)")
        c.out("  spent:         \(Format.money(halala: s.int("spent_halala") ?? 0))")
        if let st = s["last_stop"], let r = st.string("reason") {
            c.out("  last stop:     \(r): \(st.string("message") ?? "")")
        }
        for j in s["in_flight"]?.elements ?? [] {
            c.out("  line \(j.int("line") ?? 0): job \(j.string("job_id") ?? "?") in flight")
        }
        c.out(
            (s.bool("finished") ?? false)
                ? "finished" : "not finished: run `dc1 batch run` again with this journal to continue")
        return ExitCode.ok
    }

    static func describe(_ results: JSON?) -> String {
        guard let r = results else { return "" }
        let parts = r.keys.filter { $0 != "completed" }.map { "\($0) \(r.int($0) ?? 0)" }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    static func run(_ ctx: Context, _ a: Run) throws -> Int32 {
        let input = a.input
        let out = a.out
        let journal = a.journal
        var o = Batch.Options()
        o.outPath = out
        o.journalPath = journal
        if let v = try Check.int(a.concurrency, "--concurrency", 1...64, command: "batch") { o.concurrency = v }
        if let v = try Check.int(a.maxAttempts, "--max-attempts", 1...100, command: "batch") { o.maxAttempts = v }
        o.budgetSar = try Check.double(a.budgetSar, "--budget-sar", min: 0, command: "batch")
        o.saveDir = a.saveDir
        if let ms = try Check.milliseconds(a.waitTimeout, "--wait-timeout", command: "batch") { o.wait.timeoutMs = ms }
        let client = try ctx.client(check: a.noCheck ? "off" : "strict")
        let c = ctx.console
        var resume = "dc1 batch run \(input) --out \(out) --journal \(journal)"
        if o.concurrency != 4 { resume += " --concurrency \(o.concurrency)" }
        if o.maxAttempts != 1 { resume += " --max-attempts \(o.maxAttempts)" }
        if let b = a.budgetSar { resume += " --budget-sar \(trimNumber(b))" }
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
            summary = try client.batch.run(inputPath: input, options: o, onEvent: onEvent)
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
                    c.err(
                        "\(running) job(s) are still running on the server (see \(out)); the resumed run waits for them. "
                            + "To stop paying for them instead: dc1 cancel JOB_ID")
                }
                return ExitCode.interrupted
            case .quotaExceeded:
                c.err("dc1: \(e.message)\nresume later with:\n  \(resume)")
                return ExitCode.batchQuota
            case .busy:
                let pid = e.detail("pid")?.intValue.map { " (pid \($0))" } ?? ""
                c.err(
                    "dc1: another `dc1 batch run` is using \(journal)\(pid); wait for it, or stop it and run "
                        + "again to resume")
                return ExitCode.batchBusy
            default:
                if summary.int("lines") == nil { throw e }
                c.err("dc1: \(e.message)\nresume with:\n  \(resume)")
                return ExitCode.of(e.code)
            }
        }
        if summary.string("stopped") == "budget" {
            c.err(
                "dc1: \(summary.string("stop_message") ?? "the budget stopped the batch")\n"
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
        let invalid = ev.int("invalid") ?? 0
        var s =
            "batch: \(done)/\(lines) done, \(failed) failed, "
            + (invalid > 0 ? "\(invalid) invalid, " : "") + "\(ev.int("running") ?? 0) running, "
            + "\(ev.int("queued") ?? 0) queued, \(ev.int("pending") ?? 0) to submit · "
            + "\(Format.sar(halala: ev.int("spent_halala") ?? 0))"
        if let b = ev.double("budget_sar") { s += " of \(trimNumber(b))" }
        let rate = ev.double("jobs_per_min") ?? 0
        if rate > 0 {
            s += " · \(Int(rate.rounded()))/min"
            let left = lines - done - failed - invalid
            if left > 0 { s += " · ETA \(Format.seconds(Int64(Double(left) / rate * 60_000)))" }
        }
        return s
    }

    static func printSummary(_ c: Console, _ s: JSON) {
        guard let lines = s.int("lines") else { return }
        var parts = ["\(s.int("completed") ?? 0) completed", "\(s.int("failed") ?? 0) failed"]
        if let n = s.int("invalid"), n > 0 { parts.append("\(n) invalid") }
        if let n = s.int("not_submitted"), n > 0 { parts.append("\(n) not submitted") }
        if let n = s.int("running"), n > 0 { parts.append("\(n) still running") }
        c.out(
            "batch: \(lines) lines: " + parts.joined(separator: ", ")
                + " · \(s.int("attempts") ?? 0) jobs (\(s.int("jobs_created") ?? 0) this run)"
                + " · spent \(Format.money(halala: s.int("spent_halala") ?? 0))")
        if let p = s.string("out_path") { c.out("results: \(p)") }
    }
}
