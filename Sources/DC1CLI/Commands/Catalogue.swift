import DC1Core

/// `models`, `images`, `templates`, `quote`, `usage`, `lifecycle`: the catalogue calls of the core
/// (Resources/Catalogue.swift, Resources/Lifecycle.swift).
enum CatalogueCommands {
    static let models = Command(
        name: "models", usage: "models [--arabic] [--min-vram GB] [--category C] [--tier T] [--cached] [--no-providers]",
        summary: "list the models, their price and the live providers that cache them",
        details: """
          --arabic        only Arabic-capable models
          --min-vram GB   only models that fit in this much GPU memory
          --category C    llm, embedding, image or training
          --tier T        tier_a, tier_b, tier_c or instant
          --cached        only models that some live provider has cached
          --no-providers  skip the provider lookup (one request instead of two)
        """,
        spec: CommandSpec(valueFlags: [["--min-vram"], ["--category"], ["--tier"]],
                          boolFlags: [["--arabic"], ["--cached"], ["--no-providers"]])
    ) { ctx, a in
        let f = JSON.object()
        if a.has("--arabic") { f.set("arabic", true) }
        if let v = try a.int("--min-vram", 1...1024) { f.set("min_vram_gb", v) }
        if let c = a.value("--category") { f.set("category", c) }
        if let t = a.value("--tier") { f.set("tier", t) }
        if a.has("--cached") { f.set("cached_only", true) }
        if a.has("--no-providers") {
            if a.has("--cached") { throw UsageError("--cached needs the provider lookup; drop --no-providers", command: "models") }
            f.set("providers", false)
        }
        let doc = try ctx.client().models(filter: f)
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
                let names = m["live_providers"]?.elements.compactMap { p -> String? in
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
        return ExitCode.ok
    }

    static let images = Command(
        name: "images", usage: "images", summary: "list the container images approved for custom_container",
        details: "GET /api/containers/registry. A custom_container job must use one of these (params.image_override).",
        spec: CommandSpec()
    ) { ctx, _ in
        let doc = try ctx.client().images()
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let rows = (doc["images"]?.elements ?? []).map {
            [$0.string("image_ref") ?? "-", $0.string("image_type") ?? "-", $0.string("source") ?? "-",
             $0.string("description") ?? "-"]
        }
        ctx.console.table(["IMAGE", "TYPE", "SOURCE", "DESCRIPTION"], rows)
        ctx.console.out("\(rows.count) approved image\(rows.count == 1 ? "" : "s")")
        return ExitCode.ok
    }

    static let templates = Command(
        name: "templates",
        usage: "templates [--tag TAG] | templates <id> [--duration MIN] [--prompt TEXT] [key=value …] [--submit]",
        summary: "list job templates, or build (and --submit) a job from one",
        details: """
          --tag TAG       list only templates with this tag (llm, image, training, …)
          <id>            show the submit request built from template <id> and its quote;
                          the template's params, with --prompt and key=value params over them
          --duration MIN  the job's runtime budget and quote basis (default 5)
          --submit        submit that request (then follow it with dc1 wait <job_id>)
        """,
        spec: CommandSpec(valueFlags: [["--tag"], ["--duration"], ["--prompt"]], boolFlags: [["--submit"]],
                          minPositionals: 0, maxPositionals: 10_000)
    ) { ctx, a in
        let client = try ctx.client()
        guard let id = a.positionals.first else {
            if a.has("--submit") { throw UsageError("--submit needs a template id", command: "templates") }
            let f = JSON.object()
            if let t = a.value("--tag") { f.set("tag", t) }
            let doc = try client.templates(filter: f)
            if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
            let rows = (doc["templates"]?.elements ?? []).map {
                [$0.string("id") ?? "-", $0.string("name") ?? "-", $0.string("job_type") ?? "-",
                 Format.scalar($0["min_vram_gb"]) + " GB",
                 $0.int("estimated_price_halala_per_hour").map { Format.sar(halala: $0) + "/h" } ?? "-"]
            }
            ctx.console.table(["ID", "NAME", "JOB TYPE", "MIN VRAM", "EST. PRICE"], rows, right: [3, 4])
            ctx.console.out("\(rows.count) template\(rows.count == 1 ? "" : "s")")
            return ExitCode.ok
        }
        let overrides = JSON.object()
        overrides.set("duration_minutes", try a.double("--duration") ?? 5)
        let params = JSON.object()
        for kv in a.positionals.dropFirst() {
            guard let eq = kv.firstIndex(of: "="), eq != kv.startIndex else {
                throw UsageError("extra arguments must be key=value params", command: "templates")
            }
            params.set(String(kv[..<eq]), SubmitCommand.typed(String(kv[kv.index(after: eq)...])))
        }
        if let p = a.value("--prompt") { params.set("prompt", p) }
        if params.count > 0 { overrides.set("params", params) }
        let built = try client.templateRequest(id, overrides: overrides)
        guard let request = built["request"] else { throw DC1Error(.protocolError, "no request built") }
        if a.has("--submit") {
            let result = try client.submit(request)
            if ctx.json { ctx.console.outJSON(result); return ExitCode.ok }
            let job = result["job"]
            var line = "Submitted \(job?.string("job_id") ?? "?") from template \(id) · \(job?.string("status") ?? "?")"
            if let q = job?.int("cost_halala") { line += " · quoted " + Format.money(halala: q) }
            ctx.console.out(line)
            return ExitCode.ok
        }
        let q = JSON.object()
        q.set("job_type", request["job_type"] ?? .null())
        q.set("duration_minutes", request["duration_minutes"] ?? .null())
        let quote = try? client.quote(q)
        if ctx.json {
            if let quote { built.set("quote", quote) }
            ctx.console.outJSON(built)
            return ExitCode.ok
        }
        let t = built["template"]
        ctx.console.out("Template \(id): \(t?.string("name") ?? "")")
        ctx.console.out("Request:  " + request.dump())
        if let quote, let c = quote.int("cost_halala") { ctx.console.out("Quote:    " + Format.money(halala: c) + " (job-type rate)") }
        let dropped = built["dropped_params"]?.elements.compactMap { $0.stringValue } ?? []
        if !dropped.isEmpty { ctx.console.out("Dropped:  " + dropped.joined(separator: ", ") + " (not scalar: the server accepts scalar params only)") }
        ctx.console.out("Submit it with: dc1 templates \(id) --submit" + (a.value("--duration").map { " --duration \($0)" } ?? ""))
        return ExitCode.ok
    }

    static let quote = Command(
        name: "quote", usage: "quote <job_type> [--minutes MIN] [--pricing-class C] [--gpu MODEL]",
        summary: "the prepaid cost of a job type for a duration",
        details: """
          job_type            llm_inference, image_generation, vllm_serve, custom_container, training, …
          --minutes MIN       the duration (also --duration; default 5)
          --pricing-class C   priority (×1.2), standard (default) or economy (×0.9)
          --gpu MODEL         quote for a provider with this GPU (e.g. "RTX 4090", h100), from
                              /api/pricing/tiers; without it the job-type rate, computed locally
        """,
        spec: CommandSpec(valueFlags: [["--minutes", "--duration"], ["--pricing-class"], ["--gpu"]],
                          minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let r = JSON.object()
        r.set("job_type", a.positionals[0])
        r.set("duration_minutes", try a.double("--minutes") ?? 5)
        if let p = a.value("--pricing-class") { r.set("pricing_class", p) }
        if let g = a.value("--gpu") { r.set("gpu_model", g) }
        let q = try ctx.client().quote(r)
        if ctx.json { ctx.console.outJSON(q); return ExitCode.ok }
        let minutes = Format.scalar(q["duration_minutes"])
        let cost = q.int("cost_halala") ?? 0
        ctx.console.out("Quote: \(Format.money(halala: cost)) for \(minutes) min of \(q.string("job_type") ?? "?")")
        if q.string("basis") == "gpu" {
            let tier = q.string("gpu_tier") ?? "no tier matches: the default rate"
            let rate = q["rate_usd_per_hour"].map { "$" + Format.scalar($0) + "/h" }
                ?? q.double("rate_per_second_usd").map { "$" + trimNumber($0 * 3600) + "/h" } ?? "?"
            ctx.console.out("Basis: GPU \(q.string("gpu_model") ?? "?") (\(tier)), \(rate), "
                            + "\(q.string("pricing_class") ?? "standard") ×\(Format.scalar(q["multiplier"]))")
        } else {
            ctx.console.out("Basis: \(q.int("rate_halala_per_min") ?? 0) halala/min job-type rate, "
                            + "\(q.string("pricing_class") ?? "standard") ×\(Format.scalar(q["multiplier"]))")
            ctx.console.out("(The rate when no GPU is known at submit; a job placed on a provider pays its GPU's rate: "
                            + "add --gpu MODEL, e.g. --gpu \"RTX 4090\".)")
        }
        return ExitCode.ok
    }

    static let usage = Command(
        name: "usage", usage: "usage", summary: "what the account has spent (all time, by month, last 30 days)",
        details: "Completed jobs from /api/renters/me/spending, plus the /v1 token usage and the balance.",
        spec: CommandSpec()
    ) { ctx, _ in
        let u = try ctx.client().usage()
        if ctx.json { ctx.console.outJSON(u); return ExitCode.ok }
        let c = ctx.console
        if let all = u["all_time"] {
            let n = all.int("total_jobs") ?? 0
            c.out("All time:   " + Format.money(halala: all.int("total_halala") ?? 0) + " over \(n) completed job\(n == 1 ? "" : "s")")
        }
        if let b = u.int("balance_halala") { c.out("Balance:    " + Format.money(halala: b)) }
        if let v1 = u["v1"], v1.isObject, let n = v1.int("total_requests"), n > 0 {
            c.out("/v1:        \(n) request\(n == 1 ? "" : "s"), \(v1.int("total_tokens") ?? 0) tokens, "
                  + Format.money(halala: v1.int("total_cost_halala") ?? 0))
        }
        let monthly = u["monthly"]?.elements ?? []
        if !monthly.isEmpty {
            c.out("")
            c.table(["MONTH", "JOBS", "SPENT"], monthly.map {
                [$0.string("month") ?? "-", Format.scalar($0["jobs"]), Format.sar(halala: $0.int("total_halala") ?? 0)]
            }, right: [1, 2])
        }
        return ExitCode.ok
    }

    static let lifecycle = Command(
        name: "lifecycle", usage: "lifecycle <job_id> [--since N] [--limit N]",
        summary: "a job's recorded lifecycle events",
        details: """
          --since N   only events after sequence number N
          --limit N   at most N events (1–1000)
        """,
        spec: CommandSpec(valueFlags: [["--since"], ["--limit"]], minPositionals: 1, maxPositionals: 1)
    ) { ctx, a in
        let o = JSON.object()
        if let s = try a.int("--since", 0...Int(Int32.max)) { o.set("since_sequence", s) }
        if let l = try a.int("--limit", 1...1000) { o.set("limit", l) }
        let doc = try ctx.client().lifecycle(a.positionals[0], options: o)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let rows = (doc["events"]?.elements ?? []).map {
            [Format.scalar($0["sequence_no"]), Format.time($0.string("occurred_at")), $0.string("event_type") ?? "-",
             $0.string("status") ?? "-", $0.string("message") ?? ""]
        }
        ctx.console.table(["SEQ", "AT", "EVENT", "STATUS", "MESSAGE"], rows, right: [0])
        if doc.bool("has_more") ?? false {
            ctx.console.out("More: dc1 lifecycle \(a.positionals[0]) --since \(doc.int("next_since_sequence") ?? 0)")
        }
        return ExitCode.ok
    }
}
