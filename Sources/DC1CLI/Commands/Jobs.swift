import ArgumentParser
import DC1Core

/// Reading and controlling one job (§8, §9), and the history (§8.10).
struct StatusCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a job's state, cost and endpoint.",
        discussion: "Prints the job's type, status, model, provider, times, cost, endpoint and error.")

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The job id (job-…).") var jobID: String

    func execute(_ ctx: Context) throws -> Int32 {
        let job = try ctx.client().jobs.job(jobID)
        if ctx.json { ctx.console.outJSON(job); return ExitCode.ok }
        let c = ctx.console
        c.out("\(job.string("job_id") ?? jobID)  \(job.string("job_type") ?? "?")  \(job.string("status") ?? "?")")
        func field(_ label: String, _ value: String?) {
            if let value, !value.isEmpty {
                c.out("  " + label + String(repeating: " ", count: max(1, 11 - label.count)) + value)
            }
        }
        field("model:", job.string("model"))
        field("provider:", job["provider_id"].flatMap { $0.isNull ? nil : Format.scalar($0) })
        if let q = job.int("queue_position") { field("queue:", "#\(q)") }
        field("submitted:", job.string("submitted_at").map { Format.time($0) })
        field("started:", job.string("started_at").map { Format.time($0) })
        field("completed:", job.string("completed_at").map { Format.time($0) })
        field("cost:", Format.cost(job).map { $0 + (job.string("refunded_at") != nil ? ", refunded" : "") })
        field("endpoint:", job.string("endpoint_url"))
        field("phase:", job.string("progress_phase"))
        field("error:", job.string("error"))
        return ExitCode.ok
    }

}

struct WaitCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait until a job ends (or, with --ready, serves).",
        discussion: """
            --timeout S (before or after the command name) gives up after S seconds (default 600; exit 7). Exits 0 when the job completed (or is ready), 9 when it failed or was cancelled.
            """)

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The job id (job-…).") var jobID: String
    @Flag(help: "vllm_serve: wait until the endpoint is ready instead of the end.") var ready = false

    func execute(_ ctx: Context) throws -> Int32 {
        let client = try ctx.client(waits: true)
        var waiter = JobWaiter(ctx: ctx, client: client)
        waiter.ready = ready
        if let t = try ctx.commandTimeoutMs() { waiter.timeoutMs = t }
        let started = Clock.nowMs()
        let doc = try waiter.wait(jobID)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let id = doc.string("job_id") ?? jobID
        if waiter.ready {
            ctx.console.out("Job \(id) is serving at \(doc.string("endpoint_url") ?? "?")")
        } else {
            ctx.console.out(
                "Job \(id) completed (waited \(Format.seconds(Clock.nowMs() - started)))"
                    + (Format.cost(doc).map { " · cost \($0)" } ?? ""))
        }
        return ExitCode.ok
    }

}

struct OutputCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "output", abstract: "Print a job's result, or save it.",
        discussion: """
            Text results are printed; a custom_container's DC1_RESULT_JSON object is printed as JSON on the last line. Images are not printed: --save FILE writes the decoded PNG. Exits 10 when the job has no output yet, 9 when it failed or was cancelled.
            """)

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The job id (job-…).") var jobID: String
    @Option(
        name: [.customLong("save"), .customShort("o")],
        help: ArgumentHelp("Write the output to FILE (\"-\": stdout).", valueName: "FILE"))
    var save: String?
    @Flag(help: "With --save: open the file with the desktop's opener (xdg-open), or say where it is.")
    var open = false

    func execute(_ ctx: Context) throws -> Int32 {
        if open && (save == nil || save == "-") {
            throw UsageError("--open needs --save FILE", command: "output")
        }
        if let path = save {
            try Results.save(ctx, try ctx.client(), jobID, to: path)
            if open { Opener.open(path, ctx.console) }
            return ExitCode.ok
        }
        let out = try ctx.client().output.output(jobID)
        try Results.present(ctx, out, save: nil)
        return ExitCode.ok
    }
}

struct CancelCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job (the prepaid cost is refunded).",
        discussion: "Fails with exit 2 when the job already completed or was cancelled.")

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The job id (job-…).") var jobID: String

    func execute(_ ctx: Context) throws -> Int32 {
        let doc = try ctx.client().jobs.cancel(jobID)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let job = doc["job"]
        var line = "Cancelled \(job?.string("job_id") ?? jobID)"
        if let job, let h = job.int("quoted_cost_halala"), job.string("refunded_at") != nil {
            line += " · refunded " + Format.money(halala: h)
        }
        ctx.console.out(line)
        return ExitCode.ok
    }

}

struct HistoryCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List recent jobs.")

    @OptionGroup var globals: GlobalOptions
    @Option(
        name: [.customLong("limit"), .customShort("n")],
        help: ArgumentHelp("How many jobs, 1–100 (default 20).", valueName: "N"))
    var limit: Int?

    func execute(_ ctx: Context) throws -> Int32 {
        let o = JSON.object()
        if let n = try Check.int(limit, "--limit", 1...100, command: "history") { o.set("limit", n) }
        let doc = try ctx.client().jobs.history(options: o)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let jobs = doc["jobs"]?.elements ?? []
        let c = ctx.console
        if jobs.isEmpty {
            c.out("No jobs yet.")
        } else {
            var rows: [[String]] = []
            for j in jobs {
                let cost = j.int("cost_halala").map { Format.sar(halala: $0) } ?? "-"
                rows.append([
                    j.string("job_id") ?? Format.scalar(j["id"]), j.string("job_type") ?? "-",
                    j.string("status") ?? "-",
                    cost + (j.string("refunded_at") != nil || (j.bool("refunded") ?? false) ? " (refunded)" : ""),
                    Format.time(j.string("submitted_at")),
                ])
            }
            c.table(["JOB ID", "TYPE", "STATUS", "COST", "SUBMITTED (UTC)"], rows)
        }
        if let b = doc["balance_halala"]?.intValue { c.out("Balance: " + Format.money(halala: b)) }
        return ExitCode.ok
    }
}
