import ArgumentParser
import DC1Core

/// `balance` and `me` (§10).
struct BalanceCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "Show the wallet balance (SAR and halala).",
        discussion: "Prints the balance, the amount held for running jobs, what is available and the total spent.")

    @OptionGroup var globals: GlobalOptions

    func execute(_ ctx: Context) throws -> Int32 {
        let b = try ctx.client().account.balance()
        if ctx.json { ctx.console.outJSON(b); return ExitCode.ok }
        let c = ctx.console
        func line(_ label: String, _ key: String) {
            if let v = b.int(key) { c.out(label + Format.money(halala: v)) }
        }
        line("Balance:    ", "balance_halala")
        line("Held:       ", "held_halala")
        line("Available:  ", "available_halala")
        if let spent = b.int("total_spent_halala") {
            c.out(
                "Spent:      " + Format.money(halala: spent)
                    + (b.int("total_jobs").map {
                        " over \($0) job\($0 == 1 ? "" : "s") submitted (dc1 usage counts completed ones)"
                    } ?? ""))
        }
        return ExitCode.ok
    }
}

struct MeCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "me", abstract: "Show the account behind the key.",
        discussion: "Prints the renter's name, e-mail, organisation, balance and recent activity.")

    @OptionGroup var globals: GlobalOptions

    func execute(_ ctx: Context) throws -> Int32 {
        let doc = try ctx.client().account.me()
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let c = ctx.console
        let r = doc["renter"] ?? doc
        var who = r.string("name") ?? "(no name)"
        if let e = r.string("email") { who += " <\(e)>" }
        if let id = r.int("id") { who += " (renter \(id))" }
        c.out("Renter:     " + who)
        if let o = r.string("organization"), !o.isEmpty { c.out("Organization: " + o) }
        if let b = r.int("balance_halala") { c.out("Balance:    " + Format.money(halala: b)) }
        if let s = r.int("total_spent_halala") {
            c.out(
                "Spent:      " + Format.money(halala: s)
                    + (r.int("total_jobs").map { " over \($0) job\($0 == 1 ? "" : "s")" } ?? ""))
        }
        if let recent = doc["recent_jobs"], recent.isArray {
            c.out("Recent jobs: \(recent.count)" + (recent.count > 0 ? " (dc1 history lists them)" : ""))
        }
        if let u = doc["v1_usage_summary"], u.isObject, let n = u.int("total_requests"), n > 0 {
            c.out(
                "/v1 usage:  \(n) request\(n == 1 ? "" : "s"), \(u.int("total_tokens") ?? 0) tokens"
                    + (u.int("total_cost_halala").map { ", " + Format.money(halala: $0) } ?? ""))
        }
        return ExitCode.ok
    }
}

/// `config`: the settings a command runs with, as the core resolved them (no network).
struct ConfigCommand: DC1Subcommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the API, the key's source and the settings commands run with.",
        discussion:
            "Nothing is sent. The key is never printed: only whether there is one and where it came from (--api-key or DC1_API_KEY)."
    )

    @OptionGroup var globals: GlobalOptions

    func execute(_ ctx: Context) throws -> Int32 {
        let doc = try ctx.client().options.document()
        if ctx.json { ctx.console.outJSON(doc); return ExitCode.ok }
        let c = ctx.console
        func from(_ source: String?, flag: String, env: String) -> String {
            switch source {
            case "option": return " (from \(flag))"
            case "environment": return " (from \(env))"
            default: return " (the default)"
            }
        }
        c.out(
            "API:        " + (doc.string("base_url") ?? "")
                + from(doc.string("base_url_from"), flag: "--base-url", env: "DC1_BASE_URL"))
        if doc.bool("api_key_set") == true {
            c.out("API key:    set" + from(doc.string("api_key_from"), flag: "--api-key", env: "DC1_API_KEY"))
        } else {
            c.out("API key:    not set (export DC1_API_KEY=…; only public routes work without it)")
        }
        if let t = doc.int("timeout_ms") {
            c.out("Timeout:    \(Format.seconds(Int64(t))) per API call, retries included")
        }
        if let r = doc.int("max_retries") { c.out("Retries:    \(r)") }
        if let p = doc.string("proxy") { c.out("Proxy:      " + p) }
        if let ca = doc.string("ca_path") { c.out("CA bundle:  " + ca) }
        if doc.bool("insecure_skip_verify") == true { c.out("TLS:        verification OFF") }
        if let k = doc.string("check") {
            c.out("Checks:     \(k) (before a submit pays; `submit` and `batch run` take --no-check)")
        }
        return ExitCode.ok
    }
}
