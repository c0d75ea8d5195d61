import DC1Core

/// `providers`: GET /api/renters/available-providers, filtered by the core.
enum ProviderCommands {
    static let providers = Command(
        name: "providers", usage: "providers [--live] [--min-vram GB] [--gpu MODEL] [--limit N]",
        summary: "list GPU providers",
        details: """
          --live          only providers that heartbeated in the last 2 minutes
          --min-vram GB   only providers with at least this much GPU memory
          --gpu MODEL     only GPU models containing MODEL (case-insensitive), e.g. 4090
          --limit N       at most N providers
        """,
        spec: CommandSpec(valueFlags: [["--min-vram"], ["--gpu"], ["--limit"]], boolFlags: [["--live"]])
    ) { ctx, a in
        let f = JSON.object()
        if a.has("--live") { f.set("live", true) }
        if let v = try a.double("--min-vram", min: 0) { f.set("min_vram_gb", v) }
        if let g = a.value("--gpu") { f.set("gpu_model", g) }
        if let n = try a.int("--limit", 1...100_000) { f.set("limit", n) }
        let doc = try ctx.client().providers(filter: f)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }

        let list = doc["providers"]?.elements ?? []
        if list.isEmpty {
            ctx.console.out("No providers match.")
            return ExitCode.ok
        }
        var rows: [[String]] = []
        for p in list {
            let vram = p.double("vram_gb").map { trimNumber($0) + " GB" }
                ?? p.double("vram_mib").map { trimNumber(($0 / 1024).rounded()) + " GB" } ?? "-"
            let gpus = p.int("gpu_count").map { $0 > 1 ? "\($0)× " : "" } ?? ""
            let cached = p["cached_models"]?.elements.compactMap { $0.stringValue } ?? []
            rows.append([
                Format.scalar(p["id"]),
                p.string("name") ?? "-",
                gpus + (p.string("gpu_model") ?? "-"),
                vram,
                (p.bool("is_live") ?? false) ? "yes" : "no",
                p.string("location") ?? "-",
                cached.isEmpty ? "-" : cached.joined(separator: ", "),
            ])
        }
        ctx.console.table(["ID", "NAME", "GPU", "VRAM", "LIVE", "LOCATION", "CACHED MODELS"], rows, right: [0, 3])
        let live = list.filter { $0.bool("is_live") ?? false }.count
        ctx.console.out("\(list.count) provider\(list.count == 1 ? "" : "s"), \(live) live")
        return ExitCode.ok
    }
}
