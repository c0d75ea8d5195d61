import DC1Core

/// `submit`: POST /api/jobs/submit (§7.1), optionally waiting for the result.
enum SubmitCommand {
    static let submit = Command(
        name: "submit",
        usage: "submit <job_type> [--model M] [--prompt TEXT] [--script FILE] [key=value …] [--duration MIN] "
            + "[--provider ID|auto] [--priority N] [--wait [--timeout S]] [--save FILE]",
        summary: "submit a job (and wait for its result)",
        details: """
          job_type        llm_inference, image_generation, vllm_serve, custom_container, training,
                          rendering, benchmark, rag-pipeline
          --model M       the model (the server substitutes its default for models it does not offer)
          --prompt TEXT   params.prompt, always a string
          --script FILE   params.script read from FILE ("-": stdin), for custom_container; print a
                          last line DC1_RESULT_JSON:{…} to return structured output
          key=value       more params: numbers and true/false become JSON numbers and booleans,
                          anything else a string (e.g. max_tokens=64 temperature=0.5 seed=7)
          --duration MIN  runtime budget and quote basis in minutes, 0.1–1440 (default 5)
          --provider ID   pin a provider; "auto" (the default) lets the server choose
          --priority N    0–10, higher runs first
          --wait          wait for the result and print it (vllm_serve: until the endpoint is ready)
          --timeout S     the command's deadline: with --wait how long to wait (default 600),
                          without it the submit request's (before or after the command name)
          --save FILE     with --wait: write the output to FILE (images: the decoded PNG)
        """,
        spec: CommandSpec(valueFlags: [["--model"], ["--prompt"], ["--script"], ["--duration"], ["--provider"],
                                       ["--priority"], ["--timeout"], ["--save", "-o"]],
                          boolFlags: [["--wait", "-w"]],
                          minPositionals: 1, maxPositionals: 10_000)
    ) { ctx, a in
        let request = try buildRequest(a)
        if a.value("--save") != nil && !a.has("--wait") {
            throw UsageError("--save needs --wait (or use: dc1 output <job_id> --save FILE)", command: "submit")
        }
        // --timeout is the command's deadline: with --wait the wait's, without it the submit's.
        let client = try ctx.client(defaultTimeoutMs: a.has("--wait") ? nil : try a.milliseconds("--timeout"),
                                    waits: a.has("--wait"))
        let c = ctx.console
        let result: JSON
        do {
            result = try client.submit(request)
        } catch let e as DC1Error where e.code == .interrupted {
            // The core does not reconcile an interrupted submit: it may have reached the server.
            var e2 = e
            e2.message = "interrupted; the submit may already have reached the server — check `dc1 history`"
            throw e2
        }
        guard let job = result["job"], let jobID = job.string("job_id") else {
            throw DC1Error(.protocolError, "the submit answer has no job.job_id")
        }
        let jobType = job.string("job_type") ?? request.string("job_type") ?? "?"
        if ctx.json { c.outJSON(result) }
        else {
            var line = "Submitted \(jobID) (\(jobType)) · \(job.string("status") ?? "?")"
            if let q = job.int("quoted_cost_halala") { line += " · quoted " + Format.money(halala: q) }
            c.out(line)
            if result.bool("reconciled") ?? false {
                c.err("dc1: the submit answer was lost; this job was found in the history instead of resubmitting")
            }
            if let m = result.string("message") { c.out(m) }
        }
        guard a.has("--wait") else { return ExitCode.ok }

        let serving = jobType == "vllm_serve"
        var waiter = JobWaiter(ctx: ctx, client: client)
        waiter.ready = serving
        if let t = try ctx.commandTimeoutMs(a) { waiter.timeoutMs = t }
        let started = Clock.nowMs()
        let done: JSON
        do {
            done = try waiter.wait(jobID)
        } catch let e as DC1Error where e.code == .interrupted || e.code == .waitTimeout {
            // Only the waiting stopped: say so, and how to pick the job up again.
            var e2 = e
            e2.message += "; job \(jobID) is still on the server (dc1 wait \(jobID), dc1 cancel \(jobID))"
            throw e2
        }
        if ctx.json { c.outJSON(done) }

        if serving {
            if !ctx.json {
                c.out("Endpoint ready: \(done.string("endpoint_url") ?? "?")")
                c.out("Chat with it:   dc1 chat --job \(jobID) \"Hello\"")
            }
            return ExitCode.ok
        }
        if let path = a.value("--save"), path != "-", jobType == "image_generation" {
            // An image goes straight from the response to the file (no base64 in memory).
            if !ctx.json {
                c.out("Completed in \(Format.seconds(Clock.nowMs() - started))"
                      + (Results.cost(output: nil, job: done).map { " · cost \($0)" } ?? ""))
            }
            try Results.save(ctx, client, jobID, to: path)
            return ExitCode.ok
        }
        let out = try client.output(jobID)
        if !ctx.json {
            c.out("Completed in \(Format.seconds(Clock.nowMs() - started))"
                  + (Results.cost(output: out, job: done).map { " · cost \($0)" } ?? ""))
        }
        try Results.present(ctx, out, save: a.value("--save"))
        return ExitCode.ok
    }

    /// The input each job type of the guide cannot run without: (param, the flag that sets it).
    static let requiredInput: [String: (String, String)] = [
        "llm_inference": ("prompt", "--prompt TEXT"),
        "image_generation": ("prompt", "--prompt TEXT"),
        "custom_container": ("script", "--script FILE"),
    ]

    /// The submit body from the arguments. The core checks it against the server's schema.
    static func buildRequest(_ a: ParsedArgs) throws -> JSON {
        let body = JSON.object()
        body.set("job_type", a.positionals[0])
        let params = JSON.object()
        for kv in a.positionals.dropFirst() {
            guard let eq = kv.firstIndex(of: "="), eq != kv.startIndex else {
                throw UsageError("extra arguments must be key=value params", command: "submit")
            }
            params.set(String(kv[..<eq]), typed(String(kv[kv.index(after: eq)...])))
        }
        if let m = a.value("--model") { body.set("model", m) }
        if let p = a.value("--prompt") { params.set("prompt", p) }
        if let path = a.value("--script") {
            let bytes = try FileIO.read(path)
            // The server trims every string (§1.2); trim the file's final newline here so the
            // core does not warn about it.
            var script = String(decoding: bytes, as: UTF8.self)
            while let last = script.last, last == "\n" || last == " " || last == "\t" || last == "\r\n" || last == "\r" {
                script.removeLast()
            }
            params.set("script", script)
        }
        body.set("params", params)
        body.set("duration_minutes", try a.double("--duration") ?? 5)
        if let p = a.value("--provider"), p != "auto" {
            guard let id = Int(p), id > 0 else {
                throw UsageError("--provider must be a provider id (a positive integer) or \"auto\"",
                                 invalidValue: true, command: "submit")
            }
            body.set("provider_id", id)
        }
        if let n = try a.int("--priority", 0...10) { body.set("priority", n) }
        // Last, so a bad flag value is reported first. The server accepts these jobs without their input and charges for a run that can do
        // nothing; refuse before anything is paid.
        let jobType = a.positionals[0]
        if let (param, flag) = requiredInput[jobType], !params.has(param) {
            throw UsageError("\(jobType) needs its \(param): pass \(flag) (nothing was submitted)", command: "submit")
        }
        return body
    }

    /// key=value typing: a JSON number or true/false keeps its type; anything else is a string.
    static func typed(_ v: String) -> JSON {
        if let j = try? JSON.parse(v), j.isNumber || j.isBool { return j }
        return .string(v)
    }
}
