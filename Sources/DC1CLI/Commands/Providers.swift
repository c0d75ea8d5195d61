import ArgumentParser
import DC1Core

/// `providers`: GET /api/renters/available-providers, filtered by the core.
struct ProvidersCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(commandName: "providers", abstract: "List GPU providers.")

    @OptionGroup var globals: GlobalOptions
    @Flag(help: "Only providers that heartbeated in the last 2 minutes.") var live = false
    @Option(
        name: .customLong("min-vram"),
        help: ArgumentHelp("Only providers with at least this much GPU memory.", valueName: "GB"))
    var minVRAM: Double?
    @Option(help: ArgumentHelp("Only GPU models containing MODEL (case-insensitive), e.g. 4090.", valueName: "MODEL"))
    var gpu: String?
    @Option(help: ArgumentHelp("At most N providers.", valueName: "N")) var limit: Int?

    func execute(_ ctx: Context) throws -> Int32 {
        let f = JSON.object()
        if live { f.set("live", true) }
        if let v = try Check.double(minVRAM, "--min-vram", min: 0, command: "providers") { f.set("min_vram_gb", v) }
        if let g = gpu { f.set("gpu_model", g) }
        if let n = try Check.int(limit, "--limit", 1...100_000, command: "providers") { f.set("limit", n) }
        let doc = try ctx.client().providers.list(filter: f)
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }

        let list = doc["providers"]?.elements ?? []
        if list.isEmpty {
            ctx.console.out("No providers match.")
            return ExitCode.ok
        }
        var rows: [[String]] = []
        for p in list {
            let vram =
                p.double("vram_gb").map { trimNumber($0) + " GB" }
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
        let liveCount = list.filter { $0.bool("is_live") ?? false }.count
        ctx.console.out("\(list.count) provider\(list.count == 1 ? "" : "s"), \(liveCount) live")
        return ExitCode.ok
    }
}
