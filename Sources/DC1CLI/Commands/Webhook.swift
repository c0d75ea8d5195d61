import DC1Core
import Glibc

/// `webhook`: verify and parse deliveries (§12.3), and manage the account URL and the
/// registered webhooks (§12.1, §12.2).
enum WebhookCommand {
    static let webhook = Command(
        name: "webhook",
        usage: "webhook (verify --secret S --signature SIG [FILE|-] | parse [FILE|-] | set-url URL|--clear | list | register URL --secret S [--events E,…] | delete ID)",
        summary: "verify and parse webhook deliveries; manage webhook URLs",
        details: """
          verify          check an X-DCP-Signature (with or without "sha256=") against the raw body in
                          FILE or stdin; exit 0 when it matches, 12 when it does not. The secret is the
                          registered webhook's secret, or your API key for account webhooks (use
                          --secret-env NAME to read it from an environment variable instead of argv)
          parse           print the delivery as one shape: event, job_id, status, dedupe_key
          set-url URL     set the account webhook URL (https, public host); --clear removes it
          list            the registered webhooks
          register URL    register a webhook (https on port 443) with --secret (≥16 chars) and
                          optional --events job.completed,job.failed,balance.low
          delete ID       deactivate a registered webhook
        """,
        spec: CommandSpec(valueFlags: [["--secret"], ["--secret-env"], ["--signature"], ["--events"]],
                          boolFlags: [["--clear"]], minPositionals: 1, maxPositionals: 2)
    ) { ctx, a in
        let action = a.positionals[0]
        let arg = a.positionals.count > 1 ? a.positionals[1] : nil
        let c = ctx.console
        switch action {
        case "verify":
            guard let sig = a.value("--signature") else { throw UsageError("verify needs --signature SIG", command: "webhook") }
            let secret = try secretValue(a)
            let body = try FileIO.read(arg ?? "-")
            let ok = body.withUnsafeBytes {
                WebhookVerifier.verify(secret: Array(secret.utf8), signatureHeader: sig, body: $0)
            }
            if ctx.json {
                let o = JSON.object()
                o.set("valid", ok)
                c.outJSON(o)
            } else {
                c.out(ok ? "valid signature" : "INVALID signature")
            }
            return ok ? ExitCode.ok : ExitCode.badSignature
        case "parse":
            let body = try FileIO.read(arg ?? "-")
            let doc: JSON
            do { doc = try JSON.parse(body) } catch { throw DC1Error(.invalidArgument, "the delivery body is not valid JSON") }
            let ev = try WebhookEvents.parse(doc)
            if ctx.json { c.outJSON(ev); return ExitCode.ok }
            c.out("event:      \(ev.string("event") ?? "-")")
            c.out("job_id:     \(ev.string("job_id") ?? "-")")
            c.out("status:     \(ev.string("status") ?? "-")")
            if let h = ev.int("cost_halala") { c.out("cost:       \(Format.money(halala: h))") }
            c.out("dedupe_key: \(ev.string("dedupe_key") ?? "-")")
            return ExitCode.ok
        case "set-url":
            let client = try ctx.client()
            guard a.has("--clear") || arg != nil else { throw UsageError("set-url needs a URL or --clear", command: "webhook") }
            let r = try client.setWebhookURL(a.has("--clear") ? nil : arg)
            if ctx.json { c.outJSON(r) } else { c.out("account webhook URL: \(r["settings"]?.string("webhook_url") ?? "(none)")") }
            return ExitCode.ok
        case "list":
            let r = try ctx.client().webhooks()
            if ctx.json { c.outJSON(r); return ExitCode.ok }
            let rows = (r["webhooks"]?.elements ?? []).map { w in
                [w.string("id") ?? "", w.string("url") ?? "",
                 (w["events"]?.elements ?? []).compactMap { $0.stringValue }.joined(separator: ","),
                 (w.bool("active") ?? false) ? "active" : "inactive"]
            }
            c.table(["ID", "URL", "EVENTS", "STATE"], rows)
            return ExitCode.ok
        case "register":
            guard let url = arg else { throw UsageError("register needs a URL", command: "webhook") }
            let req = JSON.object()
            req.set("url", url)
            req.set("secret", try secretValue(a))
            if let ev = a.value("--events") {
                let arr = JSON.array()
                for e in ev.split(separator: ",") { arr.append(.string(String(e))) }
                req.set("events", arr)
            }
            let r = try ctx.client().registerWebhook(req)
            if ctx.json { c.outJSON(r) } else { c.out("registered webhook \(r.string("id") ?? "?") for \(r.string("url") ?? url)") }
            return ExitCode.ok
        case "delete":
            guard let id = arg else { throw UsageError("delete needs a webhook id", command: "webhook") }
            let r = try ctx.client().deleteWebhook(id)
            if ctx.json { c.outJSON(r) } else { c.out("webhook \(id) deactivated") }
            return ExitCode.ok
        default:
            throw UsageError("unknown webhook action \"\(action)\"", command: "webhook")
        }
    }

    /// --secret, or --secret-env NAME (keeps the secret out of the process list).
    static func secretValue(_ a: ParsedArgs) throws -> String {
        if let name = a.value("--secret-env") {
            guard let p = getenv(name), p.pointee != 0 else { throw DC1Error(.invalidArgument, "environment variable \(name) is not set") }
            return String(cString: p)
        }
        guard let s = a.value("--secret") else { throw UsageError("--secret S (or --secret-env NAME) is required", command: "webhook") }
        return s
    }
}
