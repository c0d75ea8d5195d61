import ArgumentParser
import DC1Core

/// `submit`: POST /api/jobs/submit (§7.1), optionally waiting for the result.
struct SubmitCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a job (and wait for its result).",
        discussion: """
            job_type: llm_inference, image_generation, vllm_serve, custom_container, training, rendering, benchmark, rag-pipeline. key=value params: numbers and true/false become JSON numbers and booleans, anything else a string (e.g. max_tokens=64 temperature=0.5 seed=7). --timeout S (before or after the command name) is the command's deadline: with --wait how long to wait (default 600), without it the submit request's.
            """)

    @OptionGroup var globals: GlobalOptions
    @Argument(
        help: ArgumentHelp("The job type, e.g. llm_inference.", valueName: "job_type"),
        completion: .list(Completions.jobTypes))
    var jobType: String
    @Argument(help: ArgumentHelp("More params as key=value.", valueName: "key=value")) var params: [String] = []
    @Option(
        help: ArgumentHelp(
            "The model, a catalogue id (checked before paying: the server would substitute its default).",
            valueName: "M"),
        completion: .custom { _, _, prefix in Completions.modelIDs(prefix) })
    var model: String?
    @Option(help: ArgumentHelp("params.prompt, always a string.", valueName: "TEXT")) var prompt: String?
    @Option(
        help: ArgumentHelp(
            "params.script read from FILE (\"-\": stdin), for custom_container; print a last line DC1_RESULT_JSON:{…} to return structured output.",
            valueName: "FILE"))
    var script: String?
    @Option(help: ArgumentHelp("Runtime budget and quote basis in minutes, 0.1–1440 (default 5).", valueName: "MIN"))
    var duration: Double?
    @Option(help: ArgumentHelp("Pin a provider; \"auto\" (the default) lets the server choose.", valueName: "ID|auto"))
    var provider: String?
    @Option(help: ArgumentHelp("0–10, higher runs first.", valueName: "N")) var priority: Int?
    @Flag(
        name: .customLong("no-check"),
        help:
            "Send even when the checks before paying object (a model the catalogue does not list yet, a param of an unexpected type)."
    )
    var noCheck = false
    @Flag(
        name: [.customLong("wait"), .customShort("w")],
        help: "Wait for the result and print it (vllm_serve: until the endpoint is ready).")
    var wait = false
    @Option(
        name: [.customLong("save"), .customShort("o")],
        help: ArgumentHelp("With --wait: write the output to FILE (images: the decoded PNG).", valueName: "FILE"))
    var save: String?

    func execute(_ ctx: Context) throws -> Int32 {
        let request = try buildRequest()
        if save != nil && !wait {
            throw UsageError("--save needs --wait (or use: dc1 output <job_id> --save FILE)", command: "submit")
        }
        // A save that cannot happen is refused before the job is paid for.
        if let path = save, path != "-" { try Output.checkSavePath(path) }
        // --timeout is the command's deadline: with --wait the wait's, without it the submit's.
        let client = try ctx.client(waits: wait)
        let c = ctx.console
        let result: JSON
        do {
            result = try client.jobs.submit(request)
        } catch {
            // The core does not reconcile an interrupted submit: it may have reached the server.
            var e2 = error
            if e2.code == .interrupted {
                e2.message = "interrupted; the submit may already have reached the server — check `dc1 history`"
            }
            throw e2
        }
        guard let job = result["job"], let jobID = job.string("job_id") else {
            throw DC1Error(.protocolError, "the submit answer has no job.job_id")
        }
        let jobType = job.string("job_type") ?? request.string("job_type") ?? "?"
        if ctx.json {
            c.outJSON(result)
        } else {
            var line = "Submitted \(jobID) (\(jobType)) · \(job.string("status") ?? "?")"
            if let q = job.int("quoted_cost_halala") { line += " · holds " + Format.money(halala: q) }
            c.out(line)
            if result.bool("reconciled") ?? false {
                c.err("dc1: the submit answer was lost; this job was found in the history instead of resubmitting")
            }
            if let m = result.string("message") { c.out(m) }
        }
        guard wait else { return ExitCode.ok }

        let serving = jobType == "vllm_serve"
        var waiter = JobWaiter(ctx: ctx, client: client)
        waiter.ready = serving
        if let t = try ctx.commandTimeoutMs() { waiter.timeoutMs = t }
        let started = Clock.nowMs()
        let done: JSON
        do {
            done = try waiter.wait(jobID)
        } catch let e as DC1Error {
            // Only the waiting stopped: say so, and how to pick the job up again.
            var e2 = e
            if e.code == .interrupted || e.code == .waitTimeout {
                e2.message += "; job \(jobID) is still on the server (dc1 wait \(jobID), dc1 cancel \(jobID))"
            }
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
        if let path = save, path != "-" {
            // Saved through the core: an image goes straight from the response to the file (no
            // base64 in memory), any other kind as text; the output's "kind" decides, not the
            // job type.
            if !ctx.json {
                c.out(
                    "Completed in \(Format.seconds(Clock.nowMs() - started))"
                        + (Results.cost(output: nil, job: done).map { " · cost \($0)" } ?? ""))
            }
            do {
                try Results.save(ctx, client, jobID, to: path)
            } catch var e as DC1Error {
                // The job is done and paid for: say how to fetch its output again.
                e.message += "; the job completed, fetch its output again with: dc1 output \(jobID) --save \(path)"
                throw e
            }
            return ExitCode.ok
        }
        let out = try client.output.output(jobID)
        if !ctx.json {
            c.out(
                "Completed in \(Format.seconds(Clock.nowMs() - started))"
                    + (Results.cost(output: out, job: done).map { " · cost \($0)" } ?? ""))
        }
        try Results.present(ctx, out, save: save)
        return ExitCode.ok
    }

    /// The input each job type of the guide cannot run without: (param, the flag that sets it).
    static let requiredInput: [String: (String, String)] = [
        "llm_inference": ("prompt", "--prompt TEXT"),
        "image_generation": ("prompt", "--prompt TEXT"),
        "custom_container": ("script", "--script FILE"),
    ]

    /// The submit body from the arguments. The core checks it against the server's schema.
    func buildRequest() throws -> JSON {
        let body = JSON.object()
        body.set("job_type", jobType)
        let params = JSON.object()
        for kv in self.params {
            guard let eq = kv.firstIndex(of: "="), eq != kv.startIndex else {
                throw UsageError("extra arguments must be key=value params, not \"\(kv)\"", command: "submit")
            }
            params.set(String(kv[..<eq]), Self.typed(String(kv[kv.index(after: eq)...])))
        }
        if let m = model { body.set("model", m) }
        if noCheck { body.set("check", "off") }
        if let p = prompt { params.set("prompt", p) }
        if let path = script {
            let bytes = try FileIO.read(path)
            // The server trims every string (§1.2); trim the file's final newline here so the
            // core does not warn about it.
            var script = String(decoding: bytes, as: UTF8.self)
            while let last = script.last, last == "\n" || last == " " || last == "\t" || last == "\r\n" || last == "\r"
            {
                script.removeLast()
            }
            params.set("script", script)
        }
        body.set("params", params)
        body.set("duration_minutes", try Check.double(duration, "--duration", command: "submit") ?? 5)
        if let p = provider, p != "auto" {
            guard let id = Int(p), id > 0 else {
                throw UsageError(
                    "--provider must be a provider id (a positive integer) or \"auto\"",
                    invalidValue: true, command: "submit")
            }
            body.set("provider_id", id)
        }
        if let n = try Check.int(priority, "--priority", 0...10, command: "submit") { body.set("priority", n) }
        // Last, so a bad flag value is reported first. The server accepts these jobs without
        // their input and charges for a run that can do nothing; refuse before anything is paid.
        if let (param, flag) = Self.requiredInput[jobType], !params.has(param) {
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
