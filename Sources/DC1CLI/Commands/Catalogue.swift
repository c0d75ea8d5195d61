import ArgumentParser
import DC1Core
import Glibc

// `models`, `images`, `templates`, `quote`, `usage`, `lifecycle`: the catalogue calls of the core
// (Resources/Catalogue.swift, Resources/Lifecycle.swift).

struct ModelsCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models, their price and the live providers that cache them.")

    @OptionGroup var globals: GlobalOptions
    @Flag(help: "Only Arabic-capable models.") var arabic = false
    @Option(
        name: .customLong("min-vram"),
        help: ArgumentHelp("Only models that fit in this much GPU memory.", valueName: "GB"))
    var minVRAM: Int?
    @Option(help: ArgumentHelp("llm, embedding, image or training.", valueName: "C")) var category: String?
    @Option(help: ArgumentHelp("tier_a, tier_b, tier_c or instant.", valueName: "T")) var tier: String?
    @Flag(help: "Only models that some live provider has cached.") var cached = false
    @Flag(name: .customLong("no-providers"), help: "Skip the provider lookup (one request instead of two).")
    var noProviders = false

    func execute(_ ctx: Context) throws -> Int32 {
        let f = JSON.object()
        if arabic { f.set("arabic", true) }
        if let v = try Check.int(minVRAM, "--min-vram", 1...1024, command: "models") { f.set("min_vram_gb", v) }
        if let c = category { f.set("category", c) }
        if let t = tier { f.set("tier", t) }
        if cached { f.set("cached_only", true) }
        if noProviders {
            if cached { throw UsageError("--cached needs the provider lookup; drop --no-providers", command: "models") }
            f.set("providers", false)
        }
        let doc = try ctx.client().catalogue.models(filter: f)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let list = doc["models"]?.elements ?? []
        if list.isEmpty { ctx.console.out("No models match."); return ExitCode.ok }
        let joined = doc.bool("providers_joined") ?? false
        var rows: [[String]] = []
        for m in list {
            var row = [
                m.string("model_id") ?? "-",
                Format.scalar(m["min_gpu_vram_gb"] ?? m["vram_gb"]) + " GB",
                m.int("price_halala_per_min").map { "\($0) halala" } ?? "-",
                m.string("status") ?? "-",
            ]
            if joined {
                let names =
                    m["live_providers"]?.elements.compactMap { p -> String? in
                        p.string("name").map { "\($0) (\(Format.scalar(p["id"])))" }
                    } ?? []
                row.append(names.isEmpty ? "-" : names.joined(separator: ", "))
            }
            rows.append(row)
        }
        var header = ["MODEL", "VRAM", "PRICE/MIN", "STATUS"]
        if joined { header.append("CACHED ON (LIVE)") }
        ctx.console.table(header, rows, right: [1, 2])
        ctx.console.out("\(list.count) model\(list.count == 1 ? "" : "s")")
        // Say which basis the price column is, so it is not read as what submit holds.
        ctx.console.out(
            "PRICE/MIN: the server's average provider price; what a submit holds: dc1 quote JOB_TYPE --minutes N")
        return ExitCode.ok
    }
}

struct ImagesCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "images", abstract: "List the container images approved for custom_container.",
        discussion:
            "GET /api/containers/registry. A custom_container job must use one of these (params.image_override).")

    @OptionGroup var globals: GlobalOptions

    func execute(_ ctx: Context) throws -> Int32 {
        let doc = try ctx.client().catalogue.images()
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let rows = (doc["images"]?.elements ?? []).map {
            [
                $0.string("image_ref") ?? "-", $0.string("image_type") ?? "-", $0.string("source") ?? "-",
                $0.string("description") ?? "-",
            ]
        }
        ctx.console.table(["IMAGE", "TYPE", "SOURCE", "DESCRIPTION"], rows)
        ctx.console.out("\(rows.count) approved image\(rows.count == 1 ? "" : "s")")
        return ExitCode.ok
    }
}

struct TemplatesCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "List job templates, or build (and --submit) a job from one.",
        discussion:
            "With a template id: the submit request built from it (its params, with --prompt and key=value params over them) and its quote; --submit sends it (follow the job with dc1 wait <job_id>)."
    )

    @OptionGroup var globals: GlobalOptions
    @Argument(help: ArgumentHelp("A template id; omit it to list the templates.", valueName: "id")) var id: String?
    @Argument(help: ArgumentHelp("More params as key=value.", valueName: "key=value")) var params: [String] = []
    @Option(help: ArgumentHelp("List only templates with this tag (llm, image, training, …).", valueName: "TAG"))
    var tag: String?
    @Option(help: ArgumentHelp("The job's runtime budget and quote basis in minutes (default 5).", valueName: "MIN"))
    var duration: Double?
    @Option(help: ArgumentHelp("params.prompt.", valueName: "TEXT")) var prompt: String?
    @Flag(help: "Submit the request built from the template.") var submit = false

    func execute(_ ctx: Context) throws -> Int32 {
        let client = try ctx.client()
        guard let id else {
            if submit { throw UsageError("--submit needs a template id", command: "templates") }
            let f = JSON.object()
            if let t = tag { f.set("tag", t) }
            let doc = try client.catalogue.templates(filter: f)
            if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
            let rows = (doc["templates"]?.elements ?? []).map {
                [
                    $0.string("id") ?? "-", $0.string("name") ?? "-", $0.string("job_type") ?? "-",
                    Format.scalar($0["min_vram_gb"]) + " GB",
                    $0.int("estimated_price_halala_per_hour").map { Format.sar(halala: $0) + "/h" } ?? "-",
                ]
            }
            ctx.console.table(["ID", "NAME", "JOB TYPE", "MIN VRAM", "EST. PRICE"], rows, right: [3, 4])
            ctx.console.out("\(rows.count) template\(rows.count == 1 ? "" : "s")")
            ctx.console.out(
                "EST. PRICE: the template's own hourly estimate; what a submit holds: dc1 templates ID (its quote)")
            return ExitCode.ok
        }
        let overrides = JSON.object()
        overrides.set("duration_minutes", try Check.double(duration, "--duration", min: 0, command: "templates") ?? 5)
        let extra = JSON.object()
        for kv in params {
            guard let eq = kv.firstIndex(of: "="), eq != kv.startIndex else {
                throw UsageError("extra arguments must be key=value params", command: "templates")
            }
            extra.set(String(kv[..<eq]), SubmitCommand.typed(String(kv[kv.index(after: eq)...])))
        }
        if let p = prompt { extra.set("prompt", p) }
        if extra.count > 0 { overrides.set("params", extra) }
        let built = try client.catalogue.templateRequest(id, overrides: overrides)
        guard let request = built["request"] else { throw DC1Error(.protocolError, "no request built") }
        if submit {
            let result = try client.jobs.submit(request)
            if ctx.json { ctx.console.outJSON(result); return ExitCode.ok }
            let job = result["job"]
            var line = "Submitted \(job?.string("job_id") ?? "?") from template \(id) · \(job?.string("status") ?? "?")"
            if let q = job?.int("quoted_cost_halala") ?? job?.int("cost_halala") {
                line += " · holds " + Format.money(halala: q)
            }
            ctx.console.out(line)
            return ExitCode.ok
        }
        // The quote of the very request --submit sends: what submit will hold.
        let quote = try? client.catalogue.quote(request)
        if ctx.json {
            if let quote { built.set("quote", quote) }
            ctx.console.outJSON(built)
            return ExitCode.ok
        }
        let t = built["template"]
        ctx.console.out("Template \(id): \(t?.string("name") ?? "")")
        ctx.console.out("Request:  " + request.dump())
        if let quote { QuoteCommand.show(ctx.console, quote) }
        let dropped = built["dropped_params"]?.elements.compactMap { $0.stringValue } ?? []
        if !dropped.isEmpty {
            ctx.console.out(
                "Dropped:  " + dropped.joined(separator: ", ") + " (not scalar: the server accepts scalar params only)")
        }
        // The same arguments, plus --submit: nothing the user gave is dropped.
        var again = ["dc1", "templates", id] + params.map(shellWord)
        if let p = prompt { again += ["--prompt", shellWord(p)] }
        if let d = duration { again += ["--duration", trimNumber(d)] }
        ctx.console.out("Submit it with: " + (again + ["--submit"]).joined(separator: " "))
        return ExitCode.ok
    }
}

struct QuoteCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "quote", abstract: "What submit will hold (prepay) for a job.",
        discussion:
            "The same choices as submit: --provider ID (exact: that provider's GPU), --gpu MODEL (exact: a provider with that GPU), or automatic routing (the default: the range over the live providers that can take the job, and the amount if it is queued globally). --global-queue gives the job-type rate alone, computed locally."
    )

    @OptionGroup var globals: GlobalOptions
    @Argument(
        help: ArgumentHelp(
            "llm_inference, image_generation, vllm_serve, custom_container, training, …", valueName: "job_type"),
        completion: .list(Completions.jobTypes))
    var jobType: String
    @Option(
        name: [.customLong("minutes"), .customLong("duration")],
        help: ArgumentHelp("The duration in minutes (default 5, as submit).", valueName: "MIN"))
    var minutes: Double?
    @Option(
        name: .customLong("pricing-class"),
        help: ArgumentHelp("priority (×1.2), standard (default) or economy (×0.9).", valueName: "C"))
    var pricingClass: String?
    @Option(help: ArgumentHelp("Quote for a provider with this GPU (e.g. \"RTX 4090\", h100).", valueName: "MODEL"))
    var gpu: String?
    @Option(
        help: ArgumentHelp(
            "A pinned provider, as submit --provider; \"auto\" (the default) routes.", valueName: "ID|auto"))
    var provider: String?
    @Flag(name: .customLong("global-queue"), help: "The job-type rate of a job queued globally (no request).")
    var globalQueue = false

    func execute(_ ctx: Context) throws -> Int32 {
        let r = JSON.object()
        r.set("job_type", jobType)
        r.set("duration_minutes", try Check.double(minutes, "--minutes", min: 0, command: "quote") ?? 5)
        if let p = pricingClass { r.set("pricing_class", p) }
        if let g = gpu { r.set("gpu_model", g) }
        if let p = provider, p != "auto" {
            guard let id = Int(p), id > 0 else {
                throw UsageError(
                    "--provider must be a provider id (a positive integer) or \"auto\"", invalidValue: true,
                    command: "quote")
            }
            r.set("provider_id", id)
        }
        if globalQueue { r.set("placement", "global_queue") }
        let q = try ctx.client().catalogue.quote(r)
        if ctx.json {
            ctx.console.outJSON(q)
            return ExitCode.ok
        }
        QuoteCommand.show(ctx.console, q)
        return ExitCode.ok
    }

    /// The same lines wherever a quote is shown.
    static func show(_ c: Console, _ q: JSON) {
        let minutes = Format.scalar(q["duration_minutes"])
        let cost = q.int("cost_halala") ?? 0
        let what =
            "\(minutes) min of \(q.string("job_type") ?? "?"), \(q.string("pricing_class") ?? "standard") ×\(Format.scalar(q["multiplier"]))"
        switch q.string("basis") {
        case "auto":
            let lo = q.int("min_cost_halala") ?? cost
            let hi = q.int("max_cost_halala") ?? cost
            c.out(
                "Submit holds "
                    + (lo == hi
                        ? Format.money(halala: hi) : "\(Format.money(halala: lo)) to \(Format.money(halala: hi))")
                    + " for \(what) (automatic routing)")
            for o in q["options"]?.elements ?? [] {
                c.out(
                    "  \(Format.money(halala: o.int("cost_halala") ?? 0)) on \(o.string("gpu_model") ?? "?") "
                        + "(\(o.int("providers") ?? 0) live provider\(o.int("providers") == 1 ? "" : "s"))")
            }
            c.out("  \(Format.money(halala: q.int("global_queue_cost_halala") ?? 0)) if queued globally (no live GPU)")
        case "gpu", "provider":
            let tier = q.string("gpu_tier") ?? "no tier matches: the default rate"
            let rate =
                q["rate_usd_per_hour"].map { "$" + Format.scalar($0) + "/h" }
                ?? q.double("rate_per_second_usd").map { "$" + trimNumber($0 * 3600) + "/h" } ?? "?"
            let on = q.int("provider_id").map { "provider \($0), " } ?? ""
            c.out("Submit holds \(Format.money(halala: cost)) for \(what)")
            c.out("Basis: \(on)GPU \(q.string("gpu_model") ?? "?") (\(tier)), \(rate)")
        default:
            c.out("Submit holds \(Format.money(halala: cost)) for \(what), queued globally")
            c.out("Basis: \(q.int("rate_halala_per_min") ?? 0) halala/min job-type rate")
        }
        c.out("(Prepaid at submit; settlement may charge less or more once the job ends.)")
    }
}

struct UsageCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "What the account has spent (all time, by month, last 30 days).",
        discussion: "Completed jobs from /api/renters/me/spending, plus the /v1 token usage and the balance.")

    @OptionGroup var globals: GlobalOptions

    func execute(_ ctx: Context) throws -> Int32 {
        let u = try ctx.client().catalogue.usage()
        if ctx.json { ctx.console.outJSON(u); return ExitCode.ok }
        let c = ctx.console
        if let all = u["all_time"] {
            let n = all.int("total_jobs") ?? 0
            c.out(
                "All time:   " + Format.money(halala: all.int("total_halala") ?? 0)
                    + " over \(n) completed job\(n == 1 ? "" : "s")")
        }
        if let b = u.int("balance_halala") { c.out("Balance:    " + Format.money(halala: b)) }
        if let all = u.int("total_jobs"), all != (u["all_time"]?.int("total_jobs") ?? all) {
            // The two counts differ by design: say why, so `dc1 balance` does not look wrong.
            c.out("            (\(all) jobs submitted in all, as `dc1 balance` counts; usage counts completed ones)")
        }
        if let v1 = u["v1"], v1.isObject, let n = v1.int("total_requests"), n > 0 {
            c.out(
                "/v1:        \(n) request\(n == 1 ? "" : "s"), \(v1.int("total_tokens") ?? 0) tokens, "
                    + Format.money(halala: v1.int("total_cost_halala") ?? 0))
        }
        let monthly = u["monthly"]?.elements ?? []
        // In a terminal, the series as bars beside the numbers (--json is unchanged).
        if isatty(1) != 0 {
            let days = u["last_30_days"]?.elements ?? []
            if !days.isEmpty {
                c.out("")
                c.out("Last 30 days  " + Chart.spark(days.map { $0.int("total_halala") ?? 0 }))
            }
            if !monthly.isEmpty {
                c.out("")
                for line in Chart.bars(
                    monthly.reversed().map { ($0.string("month") ?? "-", $0.int("total_halala") ?? 0) })
                {
                    c.out(line)
                }
            }
            return ExitCode.ok
        }
        if !monthly.isEmpty {
            c.out("")
            c.table(
                ["MONTH", "JOBS", "SPENT"],
                monthly.map {
                    [
                        $0.string("month") ?? "-", Format.scalar($0["jobs"]),
                        Format.sar(halala: $0.int("total_halala") ?? 0),
                    ]
                }, right: [1, 2])
        }
        return ExitCode.ok
    }
}

struct LifecycleCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle", abstract: "A job's recorded lifecycle events.")

    @OptionGroup var globals: GlobalOptions
    @Argument(help: ArgumentHelp("The job id.", valueName: "job_id")) var jobID: String
    @Option(help: ArgumentHelp("Only events after this sequence number.", valueName: "N")) var since: Int?
    @Option(help: ArgumentHelp("At most N events (1–1000).", valueName: "N")) var limit: Int?

    func execute(_ ctx: Context) throws -> Int32 {
        let o = JSON.object()
        if let s = try Check.int(since, "--since", 0...Int(Int32.max), command: "lifecycle") {
            o.set("since_sequence", s)
        }
        if let l = try Check.int(limit, "--limit", 1...1000, command: "lifecycle") { o.set("limit", l) }
        let doc = try ctx.client().jobs.lifecycle(jobID, options: o)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let rows = (doc["events"]?.elements ?? []).map {
            [
                Format.scalar($0["sequence_no"]), Format.time($0.string("occurred_at")), $0.string("event_type") ?? "-",
                $0.string("status") ?? "-", $0.string("message") ?? "",
            ]
        }
        ctx.console.table(["SEQ", "AT", "EVENT", "STATUS", "MESSAGE"], rows, right: [0])
        if doc.bool("has_more") ?? false {
            ctx.console.out("More: dc1 lifecycle \(jobID) --since \(doc.int("next_since_sequence") ?? 0)")
        }
        return ExitCode.ok
    }
}

/// A word as a POSIX shell reads it back: bare when it is safe, else in single quotes.
func shellWord(_ s: String) -> String {
    let safe = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }
    if safe { return s }
    var out = "'"
    for c in s { out += c == "'" ? "'\\''" : String(c) }
    return out + "'"
}
