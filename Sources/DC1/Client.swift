import DC1Core

/// The DC1 client for Swift: every call is `async throws(DC1Error)`.
///
/// ```swift
/// let client = try DC1Client()                       // DC1_API_KEY, DC1_BASE_URL
/// let job = try await client.submit(JobRequest(jobType: .llmInference, durationMinutes: 1,
///                                              params: ["prompt": "Hello", "max_tokens": 64]))
/// let done = try await client.wait(job.jobID, timeout: .seconds(60))
/// print(try await client.output(done.jobID).text ?? "")
/// ```
///
/// ## Threads
/// The blocking work (libcurl transfers, waits, streams) never runs on Swift's cooperative
/// thread pool. Each call runs on a thread the library starts for it (a detached pthread) while the awaiting task is suspended on a continuation; the thread resumes it
/// and exits when the core returns. So 64 concurrent `wait`s cost 64 parked threads of the
/// library and no thread of the pool: other tasks keep their schedule. The client is `Sendable`;
/// share one between tasks (it pools connections).
///
/// ## Cancellation
/// Cancelling the task that awaits a call stops that call — and only that one — through the
/// core's per-call stop: the call ends within one 25 ms poll slice and **throws a `DC1Error`
/// whose `code` is `.interrupted`** (not `CancellationError`: every call has the typed error
/// `throws(DC1Error)`, and `.interrupted` is also what the C library reports for a stopped call).
/// A call that starts in an already-cancelled task throws the same error without sending
/// anything. Test for it with `error.code == .interrupted` or `error.isCancellation`.
/// Other calls on the client go on. Breaking out of a `for try await` loop over
/// ``events(for:timeout:options:)``, ``logLines(for:since:timeout:)`` or ``chatStream(_:)`` ends the underlying
/// call the same way.
///
/// ## Errors
/// `DC1Error` carries `code` (a struct over a private enum: match the codes you handle and keep a
/// `default`), `message`, `httpStatus`, `requestID`, `retryAfterMs`, and the other members of the
/// C error document as `fields`, `job`, `body`, `mayHaveTakenEffect` and `detail(_:)`.
public final class DC1Client: Sendable {
    /// The core client this one drives (the same the C library uses).
    public let core: Session

    /// A client. nil arguments come from the environment: `DC1_API_KEY`, `DC1_BASE_URL` (then the
    /// production URL). Nothing is sent until the first call.
    /// - Parameters:
    ///   - apiKey: the renter key ("dcp-renter-…"); nil: `DC1_API_KEY`.
    ///   - baseURL: the API's URL; nil: `DC1_BASE_URL`, then the production URL.
    ///   - timeout: one HTTP request's deadline (default 30 s); waits and streams have their own.
    ///   - maxRetries: retries of a failed request where it is safe (default 3).
    public init(
        apiKey: String? = nil, baseURL: String? = nil, timeout: Duration? = nil,
        maxRetries: Int? = nil
    ) throws(DC1Error) {
        // The same options document as dc1_client_new: one reading of the environment, the
        // empty values and the ranges, and where each setting came from.
        let o = JSON.object()
        if let apiKey { o.set("api_key", apiKey) }
        if let baseURL { o.set("base_url", baseURL) }
        if let timeout { o.set("timeout_ms", Int(timeout.milliseconds)) }
        if let maxRetries { o.set("max_retries", maxRetries) }
        core = try Session(optionsJSON: o)
    }

    /// The settings in effect (`dc1_client_config`): the base URL and where it came from
    /// (`base_url_from`: option, environment or default), whether there is a key and where it
    /// came from (never the key), and every other client option's value.
    public var configuration: JSON { core.options.document() }

    /// The library's version (e.g. "0.2.0"), as `DC1_VERSION_STRING` of include/dc1.h.
    public static let libraryVersion: String = DC1Core.libraryVersion

    /// A client over an existing core client.
    public init(core: Session) { self.core = core }

    /// The core's hint (a setting to change) said with the Swift API's own names.
    static func inSwiftTerms(_ e: DC1Error) -> DC1Error {
        guard let h = e.detail("hint"), let text = h.string("text"), e.message.hasSuffix(text) else { return e }
        let words: String
        switch h.string("option") {
        case "api_key": words = "pass apiKey: to DC1Client or set DC1_API_KEY"
        case "allow_insecure_http": words = "use an https:// baseURL"
        default: return e
        }
        var out = e
        out.message = String(e.message.dropLast(text.count)) + words
        return out
    }

    /// Runs one blocking core call on a library thread, stopped by Task cancellation.
    private func call<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Session) throws(DC1Error) -> T)
        async throws(DC1Error) -> T
    {
        let core = self.core
        // Every error leaves through the core's redactor, as at the C boundary: the key never
        // comes back in a message or a body, whatever the server echoed.
        return try await OwnThread.call(what) { () throws(DC1Error) -> T in
            do throws(DC1Error) { return try body(core) } catch { throw DC1Client.inSwiftTerms(core.redacted(error)) }
        }
    }

    // MARK: Account

    /// The balance (`GET /api/renters/balance`).
    public func balance() async throws(DC1Error) -> Balance {
        try await call("balance") { (c) throws(DC1Error) in Balance(try c.account.balance()) }
    }

    /// The account (`GET /api/renters/me`).
    public func me() async throws(DC1Error) -> Account {
        try await call("me") { (c) throws(DC1Error) in Account(try c.account.me()) }
    }

    // MARK: Providers

    /// Provider GPUs (`GET /api/renters/available-providers`).
    public func providers(_ filter: ProviderFilter = .all) async throws(DC1Error) -> [Provider] {
        try await call("providers") { (c) throws(DC1Error) in
            let f = JSON.object()
            if filter.liveOnly { f.set("live", true) }
            if let v = filter.minVRAMGB { f.set("min_vram_gb", v) }
            if let g = filter.gpuModel { f.set("gpu_model", g) }
            return (try c.providers.list(filter: f))["providers"]?.elements.map(Provider.init) ?? []
        }
    }

    /// One provider by its id (`dc1_provider_get`); `.notFound` when it is not listed.
    public func provider(_ id: Int) async throws(DC1Error) -> Provider {
        try await call("provider") { (c) throws(DC1Error) in
            guard let p = (try c.providers.get(id))["provider"] else {
                throw DC1Error(.protocolError, "no provider in the document")
            }
            return Provider(p)
        }
    }

    /// Provider GPUs (`GET /api/renters/available-providers`).
    public func providers(liveOnly: Bool = false, minVRAMGB: Double? = nil, gpuModel: String? = nil)
        async throws(DC1Error) -> [Provider]
    {
        try await providers(ProviderFilter(liveOnly: liveOnly, minVRAMGB: minVRAMGB, gpuModel: gpuModel))
    }

    // MARK: Jobs

    /// Submits a job (`POST /api/jobs/submit`), checked locally against the strict schema first.
    /// The checks before paying (a model the catalogue lacks, a param of the wrong type) are off
    /// unless `request.check` says "warn" (findings in the job's `checkWarnings`) or "strict".
    ///
    /// A submit is never sent twice: when its answer is lost, the library finds the job in the
    /// history, or throws `.submitUnknown` with the `candidates` in `details`.
    /// Cancelling the task after the request was sent may leave the job created: the error
    /// then has `mayHaveTakenEffect == true`.
    public func submit(_ request: JobRequest) async throws(DC1Error) -> Job {
        try await call("submit") { (c) throws(DC1Error) in
            let r = try c.jobs.submit(request.json)
            guard let j = r["job"] else { throw DC1Error(.protocolError, "submit: no job in the result") }
            var job = Job(j)
            if let w = r["warnings"] {
                job.checkWarnings = w.elements.map {
                    FieldError(field: $0.string("field") ?? "", message: $0.string("message") ?? "")
                }
            }
            return job
        }
    }

    /// One poll of the full job (`GET /api/jobs/{id}`).
    public func job(_ id: String) async throws(DC1Error) -> Job {
        try await call("job") { (c) throws(DC1Error) in Job(try c.jobs.job(id)) }
    }

    /// The job and, once it completed, its output (`dc1_job_get_with_output`): the output is
    /// read once per completed job and kept by the client. `output` is nil until the job
    /// completed, or when it could not be read (`outputError` says why).
    public func jobWithOutput(_ id: String) async throws(DC1Error) -> (
        job: Job, output: JobOutput?, outputError: DC1Error?
    ) {
        try await call("jobWithOutput") { (c) throws(DC1Error) in
            let d = try c.jobs.getWithOutput(id)
            guard let j = d["job"] else { throw DC1Error(.protocolError, "no job in the document") }
            let out = d["output"].flatMap { $0.isNull ? nil : JobOutput($0) }
            let err = d["output_error"].flatMap { e -> DC1Error? in
                guard let m = e.string("message") else { return nil }
                return DC1Error(DC1Code(rawValue: Int32(e.int("rc") ?? -99)) ?? .internal, m)
            }
            return (Job(j), out, err)
        }
    }

    /// The light poll (`GET /api/jobs/{id}/status`).
    public func status(_ id: String) async throws(DC1Error) -> JobProgress {
        try await call("status") { (c) throws(DC1Error) in JobProgress(try c.jobs.jobStatus(id)) }
    }

    /// Waits until the job is terminal — completed, failed, cancelled, … — and returns it, whatever
    /// its status: read `status` (`.completed` is success). Follows the status stream, falling
    /// back to polling; rides out transient failures until `timeout`.
    /// - Throws: `.waitTimeout` when `timeout` passes (`error.job`: its last state),
    ///   `.interrupted` when the task is cancelled, `.notFound`, `.auth`.
    public func wait(_ id: String, timeout: Duration = .seconds(600), options: WaitOptions = .default)
        async throws(DC1Error) -> Job
    {
        let w = coreWait(timeout: timeout, options: options, mode: .terminal)
        return try await call("wait") { (c) throws(DC1Error) in Job(try c.jobs.wait(id, options: w)) }
    }

    /// Waits until a vllm_serve job runs with an endpoint (`Job.endpointURL`).
    /// - Throws: `.jobFailed` / `.jobCancelled` when the job ends first, `.notReady` when it
    ///   completed without an endpoint, and as ``wait(_:timeout:options:)``.
    public func waitReady(_ id: String, timeout: Duration = .seconds(600), options: WaitOptions = .default)
        async throws(DC1Error) -> Job
    {
        let w = coreWait(timeout: timeout, options: options, mode: .ready)
        return try await call("waitReady") { (c) throws(DC1Error) in Job(try c.jobs.wait(id, options: w)) }
    }

    func coreWait(timeout: Duration, options: WaitOptions, mode: Jobs.WaitMode) -> Jobs.WaitOptions {
        var w = Jobs.WaitOptions()
        w.timeoutMs = Swift.max(1, timeout.milliseconds)
        w.pollIntervalMs = Swift.max(10, options.pollInterval.milliseconds)
        w.maxPollIntervalMs = Swift.max(w.pollIntervalMs, options.maxPollInterval.milliseconds)
        w.useStream = options.useStream
        w.cancelOnTimeout = options.cancelOnTimeout
        w.tickMs = Swift.min(Swift.max(50, options.tickInterval.milliseconds), 60_000)
        w.mode = mode
        return w
    }

    /// The job's output (`GET /api/jobs/{id}/output`), one shape for every job type.
    /// - Throws: `.notReady` while it runs, `.jobFailed` / `.jobCancelled` when it ended so.
    public func output(_ id: String) async throws(DC1Error) -> JobOutput {
        try await call("output") { (c) throws(DC1Error) in JobOutput(try c.output.output(id)) }
    }

    /// Writes an image job's PNG to `path` (through a temporary file, then renamed).
    @discardableResult
    public func saveImage(_ id: String, to path: String) async throws(DC1Error) -> SavedImage {
        try await call("saveImage") { (c) throws(DC1Error) in SavedImage(try c.output.saveImage(id, path: path)) }
    }

    /// Cancels a job (`POST /api/jobs/{id}/cancel`); the server refunds the prepaid cost.
    /// - Returns: the job after cancelling.
    /// - Throws: `.validation` when it already ended.
    @discardableResult
    public func cancel(_ id: String) async throws(DC1Error) -> Job? {
        try await call("cancel") { (c) throws(DC1Error) in try c.jobs.cancel(id)["job"].map(Job.init) }
    }

    /// One page of the job's log (`GET /api/jobs/{id}/logs`): lines after `since`, at most `limit`
    /// (1–1000). To follow a log to its end, use ``logLines(for:since:timeout:)``.
    public func logs(_ id: String, since: Int = 0, limit: Int = 200) async throws(DC1Error) -> LogPage {
        try await call("logs") { (c) throws(DC1Error) in
            let o = JSON.object()
            o.set("since", since)
            o.set("limit", limit)
            return LogPage(try c.jobs.logs(id, options: o), since: since)
        }
    }

    /// Recent jobs, newest first (`GET /api/jobs/history`, `limit` 1–100).
    public func history(limit: Int = 20) async throws(DC1Error) -> [Job] {
        try await call("history") { (c) throws(DC1Error) in
            let o = JSON.object()
            o.set("limit", limit)
            return (try c.jobs.history(options: o))["jobs"]?.elements.map(Job.init) ?? []
        }
    }

    // MARK: Any route

    /// One request to a route this library does not wrap, with the client's auth, deadline,
    /// error mapping and retries (`dc1_request`). `path` starts with "/".
    public func request(_ method: String, _ path: String, body: JSONValue? = nil) async throws(DC1Error) -> RawResponse
    {
        try await call("request") { (c) throws(DC1Error) in
            RawResponse(try c.request(method: method, path: path, body: body?.json))
        }
    }

    // MARK: Chat

    /// One OpenAI-compatible chat completion, not streamed. For tokens as they come, use
    /// ``chatStream(_:)``.
    public func chat(_ request: ChatRequest) async throws(DC1Error) -> ChatResponse {
        try await call("chat") { (c) throws(DC1Error) in
            ChatResponse(try c.streams.chat(request.json(stream: false), onToken: nil))
        }
    }

    /// One chat completion to `model` with a single user message.
    public func chat(model: String, _ prompt: String, maxTokens: Int? = nil) async throws(DC1Error) -> ChatResponse {
        try await chat(ChatRequest(model: model, messages: [.user(prompt)], maxTokens: maxTokens))
    }

    // MARK: Webhooks

    /// Sets (or with nil clears) the account's webhook URL.
    public func setWebhookURL(_ url: String?) async throws(DC1Error) {
        _ = try await call("setWebhookURL") { (c) throws(DC1Error) in _ = try c.webhooks.setWebhookURL(url) }
    }

    /// The registered webhooks (§12.2).
    public func webhooks() async throws(DC1Error) -> [Webhook] {
        try await call("webhooks") { (c) throws(DC1Error) in
            (try c.webhooks.webhooks())["webhooks"]?.elements.map(Webhook.init) ?? []
        }
    }

    /// Registers a webhook. `secret` (at least 16 characters) signs its deliveries; `events`
    /// nil means every event.
    @discardableResult
    public func registerWebhook(url: String, secret: String, events: [String]? = nil) async throws(DC1Error) -> Webhook
    {
        try await call("registerWebhook") { (c) throws(DC1Error) in
            let b = JSON.object()
            b.set("url", url)
            b.set("secret", secret)
            if let events {
                let a = JSON.array()
                for e in events { a.append(.string(e)) }
                b.set("events", a)
            }
            return Webhook(try c.webhooks.registerWebhook(b))
        }
    }

    /// Deletes (deactivates) a registered webhook.
    public func deleteWebhook(_ id: String) async throws(DC1Error) {
        _ = try await call("deleteWebhook") { (c) throws(DC1Error) in _ = try c.webhooks.deleteWebhook(id) }
    }

    /// Whether `signatureHeader` (X-DCP-Signature) is the HMAC-SHA256 of `body` under `secret`
    /// (constant-time). For the account webhook the secret is the API key. No I/O.
    public static func verifyWebhook(secret: String, signatureHeader: String, body: [UInt8]) -> Bool {
        body.withUnsafeBytes {
            WebhookVerifier.verify(secret: Array(secret.utf8), signatureHeader: signatureHeader, body: $0)
        }
    }

    /// A webhook delivery's body, in one shape (`dedupeKey` identifies repeats).
    public static func parseWebhook(_ body: [UInt8]) throws(DC1Error) -> WebhookEvent {
        let j: JSON
        do { j = try JSON.parse(body) } catch { throw DC1Error(.invalidArgument, "webhook body is not JSON") }
        return WebhookEvent(try WebhookEvents.parse(j))
    }

    // MARK: Client

    /// Ends every call now running on this client (they throw `.interrupted`). To stop one
    /// call, cancel its task instead.
    public func interrupt() { core.interrupt() }
}

/// One wrong field of a request (`DC1Error.fields`).
public struct FieldError: Sendable, Hashable, Codable {
    /// The field, e.g. "duration_minutes" or "container_spec.image_type".
    public var field: String
    /// What is wrong with it.
    public var message: String
    /// A field error.
    public init(field: String, message: String) { self.field = field; self.message = message }
}

extension DC1Error {
    /// Whether this error ended a call because its task was cancelled (or the call was
    /// otherwise stopped): `code == .interrupted`.
    public var isCancellation: Bool { code == .interrupted }

    /// `.validation`: which fields of the request were wrong, and why (checked locally before
    /// sending, or reported by the server).
    public var fields: [FieldError] {
        detail("fields")?.elements.map {
            FieldError(
                field: $0.string("field") ?? $0.string("path") ?? "",
                message: $0.string("message") ?? $0.string("error") ?? "")
        } ?? []
    }

    /// The job the error is about: its last state for `.waitTimeout`, the job that ended for
    /// `.jobFailed` / `.jobCancelled` / `.notReady` from ``DC1Client/waitReady(_:timeout:options:)``.
    public var job: Job? {
        guard let d = detail("job"), d.isObject else { return nil }
        var j = Job(d)
        if j.jobID.isEmpty { j.jobID = detail("job_id")?.stringValue ?? "" }
        return j
    }

    /// The server's error body, parsed, when it sent one.
    public var body: JSONValue? { detail("body").map(JSONValue.init) }

    /// Whether the request may have taken effect although the call failed (a submit cancelled
    /// after it was sent: look for the job in ``DC1Client/history(limit:)``).
    public var mayHaveTakenEffect: Bool { detail("fate_unknown")?.boolValue ?? false }
}
