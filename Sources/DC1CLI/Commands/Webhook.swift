import ArgumentParser
import DC1Core
import Glibc

/// `webhook`: verify and parse deliveries (§12.3), and manage the account URL and the
/// registered webhooks (§12.1, §12.2).
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Verify and parse webhook deliveries; manage webhook URLs.",
        subcommands: [Verify.self, Parse.self, SetURL.self, List.self, Register.self, Delete.self])

    /// --secret, or --secret-env NAME (keeps the secret out of the process list).
    struct Secret: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "The secret: the registered webhook's, or your API key for account webhooks.", valueName: "S"))
        var secret: String?
        @Option(
            name: .customLong("secret-env"),
            help: ArgumentHelp("Read the secret from this environment variable instead of argv.", valueName: "NAME"))
        var secretEnv: String?

        func value(_ command: String) throws -> String {
            if let name = secretEnv {
                guard let p = getenv(name), p.pointee != 0 else {
                    throw DC1Error(.invalidArgument, "environment variable \(name) is not set")
                }
                return String(cString: p)
            }
            guard let s = secret else {
                throw UsageError("--secret S (or --secret-env NAME) is required", command: command)
            }
            return s
        }
    }

    struct Verify: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check an X-DCP-Signature against the raw body.",
            discussion: "With or without \"sha256=\". Exit 0 when it matches, 12 when it does not.")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var secret: Secret
        @Option(help: ArgumentHelp("The X-DCP-Signature header.", valueName: "SIG")) var signature: String
        @Argument(help: ArgumentHelp("The raw body (\"-\" or none: stdin).", valueName: "FILE")) var file: String = "-"

        func execute(_ ctx: Context) throws -> Int32 {
            let key = try secret.value("webhook verify")
            let body = try FileIO.read(file)
            let ok = body.withUnsafeBytes {
                WebhookVerifier.verify(secret: Array(key.utf8), signatureHeader: signature, body: $0)
            }
            if ctx.json {
                let o = JSON.object()
                o.set("valid", ok)
                ctx.console.outJSON(o)
            } else {
                ctx.console.out(ok ? "valid signature" : "INVALID signature")
            }
            return ok ? ExitCode.ok : ExitCode.badSignature
        }
    }

    struct Parse: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "parse", abstract: "Print a delivery as one shape: event, job_id, status, dedupe_key.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: ArgumentHelp("The delivery body (\"-\" or none: stdin).", valueName: "FILE")) var file: String =
            "-"

        func execute(_ ctx: Context) throws -> Int32 {
            let c = ctx.console
            let body = try FileIO.read(file)
            let doc: JSON
            do { doc = try JSON.parse(body) } catch {
                throw DC1Error(.invalidArgument, "the delivery body is not valid JSON")
            }
            let ev = try WebhookEvents.parse(doc)
            if ctx.json { c.outJSON(ev); return ExitCode.ok }
            c.out("event:      \(ev.string("event") ?? "-")")
            c.out("job_id:     \(ev.string("job_id") ?? "-")")
            c.out("status:     \(ev.string("status") ?? "-")")
            if let h = ev.int("cost_halala") { c.out("cost:       \(Format.money(halala: h))") }
            c.out("dedupe_key: \(ev.string("dedupe_key") ?? "-")")
            return ExitCode.ok
        }
    }

    struct SetURL: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "set-url", abstract: "Set the account webhook URL (https, public host); --clear removes it.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The https URL.") var url: String?
        @Flag(help: "Remove the account webhook URL.") var clear = false

        func execute(_ ctx: Context) throws -> Int32 {
            guard clear || url != nil else { throw UsageError("set-url needs a URL or --clear", command: "webhook") }
            let r = try ctx.client().webhooks.setWebhookURL(clear ? nil : url)
            if ctx.json {
                ctx.console.outJSON(r)
            } else {
                ctx.console.out("account webhook URL: \(r["settings"]?.string("webhook_url") ?? "(none)")")
            }
            return ExitCode.ok
        }
    }

    struct List: DC1Subcommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The registered webhooks.")
        @OptionGroup var globals: GlobalOptions

        func execute(_ ctx: Context) throws -> Int32 {
            let r = try ctx.client().webhooks.webhooks()
            if ctx.json { ctx.console.outJSON(r); return ExitCode.ok }
            let rows = (r["webhooks"]?.elements ?? []).map { w in
                [
                    w.string("id") ?? "", w.string("url") ?? "",
                    (w["events"]?.elements ?? []).compactMap { $0.stringValue }.joined(separator: ","),
                    (w.bool("active") ?? false) ? "active" : "inactive",
                ]
            }
            ctx.console.table(["ID", "URL", "EVENTS", "STATE"], rows)
            return ExitCode.ok
        }
    }

    struct Register: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "register", abstract: "Register a webhook (https on port 443) with --secret (≥16 chars).")
        @OptionGroup var globals: GlobalOptions
        @OptionGroup var secret: Secret
        @Argument(help: "The https URL.") var url: String
        @Option(help: ArgumentHelp("Comma-separated: job.completed, job.failed, balance.low.", valueName: "E,…"))
        var events: String?

        func execute(_ ctx: Context) throws -> Int32 {
            let req = JSON.object()
            req.set("url", url)
            req.set("secret", try secret.value("webhook register"))
            if let events {
                let arr = JSON.array()
                for e in events.split(separator: ",") { arr.append(.string(String(e))) }
                req.set("events", arr)
            }
            let r = try ctx.client().webhooks.registerWebhook(req)
            if ctx.json {
                ctx.console.outJSON(r)
            } else {
                ctx.console.out("registered webhook \(r.string("id") ?? "?") for \(r.string("url") ?? url)")
            }
            return ExitCode.ok
        }
    }

    struct Delete: DC1Subcommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Deactivate a registered webhook.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The webhook id.") var id: String

        func execute(_ ctx: Context) throws -> Int32 {
            let r = try ctx.client().webhooks.deleteWebhook(id)
            if ctx.json { ctx.console.outJSON(r) } else { ctx.console.out("webhook \(id) deactivated") }
            return ExitCode.ok
        }
    }
}
