import DC1Core

/// The DC1 client for Swift. Safe to share between threads; every call blocks under a deadline
/// and throws `DC1Error`, whose `code` says what went wrong.
public final class DC1Client: @unchecked Sendable {
    public let core: CoreClient

    /// nil arguments come from DC1_API_KEY / DC1_BASE_URL (then the production URL).
    public init(apiKey: String? = nil, baseURL: String? = nil, timeoutSeconds: Double? = nil,
                maxRetries: Int? = nil) throws(DC1Error) {
        var o = try ClientOptions.from(json: nil)
        if let apiKey { o.apiKey = SecretKey(apiKey) }
        if let baseURL { o.baseURL = baseURL }
        if let timeoutSeconds { o.timeoutMs = Int64(timeoutSeconds * 1000) }
        if let maxRetries { o.maxRetries = maxRetries }
        try o.validate()
        core = CoreClient(options: o)
    }

    public func balance() throws(DC1Error) -> Balance { Balance(try redacting { () throws(DC1Error) in try core.balance() }) }

    public func providers(liveOnly: Bool = false, minVRAMGB: Double? = nil, gpuModel: String? = nil) throws(DC1Error) -> [Provider] {
        let f = JSON.object()
        if liveOnly { f.set("live", true) }
        if let minVRAMGB { f.set("min_vram_gb", minVRAMGB) }
        if let gpuModel { f.set("gpu_model", gpuModel) }
        return (try redacting { () throws(DC1Error) in try core.providers(filter: f) })["providers"]?.elements.map(Provider.init) ?? []
    }

    public func submit(_ request: JobRequest) throws(DC1Error) -> Job {
        let r = try redacting { () throws(DC1Error) in try core.submit(request.json) }
        guard let j = r["job"] else { throw DC1Error(.protocolError, "submit: no job in the result") }
        return Job(j)
    }

    public func job(_ id: String) throws(DC1Error) -> Job { Job(try redacting { () throws(DC1Error) in try core.job(id) }) }

    /// Waits until the job is terminal (or, with `ready`, until a vllm_serve endpoint is up).
    public func wait(_ id: String, timeoutSeconds: Double = 600, pollIntervalSeconds: Double = 1,
                     ready: Bool = false) throws(DC1Error) -> Job {
        var w = CoreClient.WaitOptions()
        w.timeoutMs = Int64(timeoutSeconds * 1000)
        w.pollIntervalMs = Swift.max(10, Int64(pollIntervalSeconds * 1000))
        w.maxPollIntervalMs = Swift.max(w.maxPollIntervalMs, w.pollIntervalMs)
        w.ready = ready
        return Job(try redacting { () throws(DC1Error) in try core.wait(id, options: w) })
    }

    public func output(_ id: String) throws(DC1Error) -> JobOutput { JobOutput(try redacting { () throws(DC1Error) in try core.output(id) }) }

    @discardableResult
    public func saveImage(_ id: String, to path: String) throws(DC1Error) -> Int {
        try redacting { () throws(DC1Error) in try core.saveImage(id, path: path) }.int("bytes") ?? 0
    }

    @discardableResult
    public func cancel(_ id: String) throws(DC1Error) -> Job? {
        try redacting { () throws(DC1Error) in try core.cancel(id) }["job"].map(Job.init)
    }

    public func logs(_ id: String, since: Int = 0, limit: Int = 200) throws(DC1Error) -> [LogLine] {
        let o = JSON.object()
        o.set("since", since)
        o.set("limit", limit)
        return (try redacting { () throws(DC1Error) in try core.logs(id, options: o) })["logs"]?.elements.map {
            LogLine(lineNo: $0.int("line_no") ?? 0, level: $0.string("level") ?? "info",
                    message: $0.string("message") ?? "", loggedAt: $0.string("logged_at"))
        } ?? []
    }

    public func history(limit: Int = 20) throws(DC1Error) -> [Job] {
        let o = JSON.object()
        o.set("limit", limit)
        return (try redacting { () throws(DC1Error) in try core.history(options: o) })["jobs"]?.elements.map(Job.init) ?? []
    }

    /// Every error leaves through the core's redactor, as it does at the C boundary: the key
    /// never comes back in a message or a body, whatever the server echoed.
    private func redacting<T>(_ body: () throws(DC1Error) -> T) throws(DC1Error) -> T {
        do { return try body() } catch { throw core.redacted(error) }
    }

    /// Ends every blocking call now running on this client (they throw `.interrupted`).
    public func interrupt() { core.interrupt() }
}
