import DC1Core

/// Reading and controlling one job (§8, §9), and the history (§8.10).
enum JobCommands {
    static let status = Command(
        name: "status", usage: "status <job_id>", summary: "show a job's state, cost and endpoint",
        details: "Prints the job's type, status, model, provider, times, cost, endpoint and error.",
        spec: CommandSpec(minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let job = try ctx.client().job(a.positionals[0])
        if ctx.json { ctx.console.outJSON(job); return ExitCode.ok }
        let c = ctx.console
        c.out("\(job.string("job_id") ?? a.positionals[0])  \(job.string("job_type") ?? "?")  \(job.string("status") ?? "?")")
        func field(_ label: String, _ value: String?) {
            if let value, !value.isEmpty { c.out("  " + label + String(repeating: " ", count: max(1, 11 - label.count)) + value) }
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

    static let wait = Command(
        name: "wait", usage: "wait <job_id> [--timeout S] [--ready]",
        summary: "wait until a job ends (or, with --ready, serves)",
        details: """
          --timeout S     give up after S seconds (default 600; exit 7)
          --ready         vllm_serve: wait until the endpoint is ready instead of the end
        Exits 0 when the job completed (or is ready), 9 when it failed or was cancelled.
        """,
        spec: CommandSpec(valueFlags: [["--timeout"]], boolFlags: [["--ready"]], minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let client = try ctx.client(waits: true)
        var waiter = JobWaiter(ctx: ctx, client: client)
        waiter.ready = a.has("--ready")
        if let t = try ctx.commandTimeoutMs(a) { waiter.timeoutMs = t }
        let started = Clock.nowMs()
        let doc = try waiter.wait(a.positionals[0])
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let id = doc.string("job_id") ?? a.positionals[0]
        if waiter.ready {
            ctx.console.out("Job \(id) is serving at \(doc.string("endpoint_url") ?? "?")")
        } else {
            ctx.console.out("Job \(id) completed (waited \(Format.seconds(Clock.nowMs() - started)))"
                            + (Format.cost(doc).map { " · cost \($0)" } ?? ""))
        }
        return ExitCode.ok
    }

    static let output = Command(
        name: "output", usage: "output <job_id> [--save FILE]",
        summary: "print a job's result, or save it",
        details: """
          Text results are printed; a custom_container's DC1_RESULT_JSON object is printed as JSON
          on the last line. Images are not printed: --save FILE writes the decoded PNG.
          --save FILE     write the output to FILE ("-": stdout)
        Exits 10 when the job has no output yet, 9 when it failed or was cancelled.
        """,
        spec: CommandSpec(valueFlags: [["--save", "-o"]], minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        if let path = a.value("--save") {
            try Results.save(ctx, try ctx.client(), a.positionals[0], to: path)
            return ExitCode.ok
        }
        let out = try ctx.client().output(a.positionals[0])
        try Results.present(ctx, out, save: nil)
        return ExitCode.ok
    }

    static let cancel = Command(
        name: "cancel", usage: "cancel <job_id>", summary: "cancel a job (the prepaid cost is refunded)",
        details: "Fails with exit 2 when the job already completed or was cancelled.",
        spec: CommandSpec(minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let doc = try ctx.client().cancel(a.positionals[0])
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let job = doc["job"]
        var line = "Cancelled \(job?.string("job_id") ?? a.positionals[0])"
        if let job, let h = job.int("quoted_cost_halala"), job.string("refunded_at") != nil {
            line += " · refunded " + Format.money(halala: h)
        }
        ctx.console.out(line)
        return ExitCode.ok
    }

    static let history = Command(
        name: "history", usage: "history [--limit N]", summary: "list recent jobs",
        details: "  --limit N       how many jobs, 1–100 (default 20)",
        spec: CommandSpec(valueFlags: [["--limit", "-n"]])
    ) { ctx, a in
        let o = JSON.object()
        if let n = try a.int("--limit", 1...100) { o.set("limit", n) }
        let doc = try ctx.client().history(options: o)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let jobs = doc["jobs"]?.elements ?? []
        let c = ctx.console
        if jobs.isEmpty { c.out("No jobs yet.") }
        else {
            var rows: [[String]] = []
            for j in jobs {
                let cost = j.int("cost_halala").map { Format.sar(halala: $0) } ?? "-"
                rows.append([j.string("job_id") ?? Format.scalar(j["id"]), j.string("job_type") ?? "-",
                             j.string("status") ?? "-",
                             cost + (j.string("refunded_at") != nil || (j.bool("refunded") ?? false) ? " (refunded)" : ""),
                             Format.time(j.string("submitted_at"))])
            }
            c.table(["JOB ID", "TYPE", "STATUS", "COST", "SUBMITTED (UTC)"], rows)
        }
        if let b = doc["balance_halala"]?.intValue { c.out("Balance: " + Format.money(halala: b)) }
        return ExitCode.ok
    }
}
