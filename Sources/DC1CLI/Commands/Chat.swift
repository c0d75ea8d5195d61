import ArgumentParser
import DC1Core

/// `chat`: one OpenAI-compatible chat turn, against a vllm_serve job's endpoint or DC1's /v1 (§11.2).
struct ChatCommand: DC1Subcommand {
    /// Chat answers are slow by nature (the /v1 upstream allows up to 90 s), so unless a
    /// deadline is given the calls get this one instead of the core's 30 s.
    static let chatTimeoutMs: Int64 = 120_000

    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "One chat turn with a vllm_serve endpoint or /v1.",
        discussion: """
            --job waits until the vllm_serve job serves, then POSTs <its OpenAI root: the endpoint_url, with /v1 unless it ends so>/chat/completions (no DC1 key is sent to the endpoint); --v1 POSTs /v1/chat/completions on the DC1 API (Bearer auth with the key). --timeout S: with --job how long to wait for the endpoint (default 600), with --v1 the chat call's deadline (default 120). Prints the assistant's reply.
            """)

    @OptionGroup var globals: GlobalOptions
    @Argument(help: "The user message.") var message: String
    @Option(help: ArgumentHelp("Chat with this vllm_serve job's endpoint.", valueName: "JOB_ID")) var job: String?
    @Flag(name: .customLong("v1"), help: "Chat through DC1's /v1/chat/completions.") var v1 = false
    @Option(help: ArgumentHelp("The model; required with --v1, default with --job: the job's model.", valueName: "M"))
    var model: String?
    @Option(help: ArgumentHelp("A system message before the user message.", valueName: "TEXT")) var system: String?
    @Option(name: .customLong("max-tokens"), help: ArgumentHelp("The answer's token budget (1–8192).", valueName: "N"))
    var maxTokens: Int?
    @Flag(help: "Print the reply token by token as it is generated.") var stream = false

    func execute(_ ctx: Context) throws -> Int32 {
        let viaJob = job
        guard (viaJob != nil) != v1 else {
            throw UsageError("chat needs exactly one of --job JOB_ID and --v1", command: "chat")
        }
        var model = self.model
        let client = try ctx.client(
            defaultTimeoutMs: viaJob == nil
                ? (try ctx.commandTimeoutMs()) ?? Self.chatTimeoutMs
                : Self.chatTimeoutMs,
            waits: viaJob != nil)

        let result: JSON
        if let jobID = viaJob {
            var waiter = JobWaiter(ctx: ctx, client: client)
            waiter.ready = true
            if let t = try ctx.commandTimeoutMs() { waiter.timeoutMs = t }
            let job = try waiter.wait(jobID)
            // the core's OpenAI root of the endpoint (…/v1), split into a host and a path
            guard let url = job.string("endpoint_url"), let root = job.string("openai_base_url"),
                let ep = Endpoint.parse(root)
            else {
                throw DC1Error(.protocolError, "job \(jobID) has an endpoint_url that is not an http(s) URL")
            }
            if model == nil { model = job.string("model") }
            guard let model else {
                throw UsageError("--model is needed: job \(jobID) does not name its model", command: "chat")
            }
            if stream {
                let b = try body(model: model)
                b.set("endpoint_url", url)
                return try streamReply(ctx, client, b)
            }
            let endpoint = try ctx.endpointClient(baseURL: ep.base, timeoutMs: Self.chatTimeoutMs)
            result = try endpoint.request(
                method: "POST", path: ep.path + "/chat/completions",
                body: try body(model: model))
        } else {
            guard let model else { throw UsageError("chat --v1 needs --model M", command: "chat") }
            if stream { return try streamReply(ctx, client, try body(model: model)) }
            result = try client.request(
                method: "POST", path: "/v1/chat/completions",
                body: try body(model: model))
        }

        if ctx.json { ctx.console.outJSON(result); return ExitCode.ok }
        guard let reply = result["body"]?["choices"]?[0]?["message"]?["content"]?.stringValue else {
            var e = DC1Error(.protocolError, "the chat answer has no choices[0].message.content")
            if let b = result["body"] { e.setDetail("body", b) }
            throw e
        }
        ctx.console.outText(reply)
        return ExitCode.ok
    }

    /// Streams the reply through the core's SSE chat: tokens go to stdout as they arrive
    /// (with --json, one token event per line, then the summary).
    func streamReply(_ ctx: Context, _ client: Session, _ body: JSON) throws -> Int32 {
        body.set("stream", true)
        body.set("timeout_ms", Int(Self.chatTimeoutMs))
        let c = ctx.console
        let summary = try client.streams.chat(body) { tok in
            if ctx.json { c.outJSON(tok) } else { c.outRaw(tok.string("content") ?? "") }
            return !Interrupts.shared.isInterrupted
        }
        if Interrupts.shared.isInterrupted { throw Interrupts.error() }
        if ctx.json { c.outJSON(summary) } else { c.out("") }
        return ExitCode.ok
    }

    func body(model: String) throws -> JSON {
        let messages = JSON.array()
        func add(_ role: String, _ content: String) {
            let m = JSON.object()
            m.set("role", role)
            m.set("content", content)
            messages.append(m)
        }
        if let s = system { add("system", s) }
        add("user", message)
        let b = JSON.object()
        b.set("model", model)
        b.set("messages", messages)
        if let n = try Check.int(maxTokens, "--max-tokens", 1...8192, command: "chat") { b.set("max_tokens", n) }
        return b
    }
}

/// A job's openai_base_url ("http://10.0.0.7:8000/v1") split into the client's base_url
/// ("http://10.0.0.7:8000") and the path prefix of the OpenAI routes ("/v1").
struct Endpoint {
    let base: String
    let path: String

    static func parse(_ url: String) -> Endpoint? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        let schemeEnd = url.index(url.startIndex, offsetBy: lower.hasPrefix("https://") ? 8 : 7)
        let rest = url[schemeEnd...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        guard slash > rest.startIndex else { return nil }
        let base = String(url[..<slash])
        let path = String(rest[slash...])
        return Endpoint(base: base, path: path)
    }
}
