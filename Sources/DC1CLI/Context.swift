import DC1Core
import Glibc

/// What a command runs with: the global options, the console and the client.
final class Context {
    let globals: GlobalOptions
    let console: Console
    private var mainClient: Session? = nil

    init(globals: GlobalOptions, console: Console) {
        self.globals = globals
        self.console = console
    }

    var json: Bool { globals.json }

    /// The client for the DC1 API: DC1_API_KEY / DC1_BASE_URL from the environment, overridden
    /// by --api-key / --base-url. Each request's deadline: --request-timeout; else --timeout,
    /// unless the command `waits` (then --timeout is the wait's, see `commandTimeoutMs`); else
    /// `defaultTimeoutMs` for commands whose calls are slow by nature (chat); else the core's 30 s.
    /// Submits are checked "strict" (a model the catalogue lacks, a param of the wrong type:
    /// refused, nothing paid) unless `check` says otherwise (--no-check).
    func client(defaultTimeoutMs: Int64? = nil, waits: Bool = false, check: String = "strict") throws -> Session {
        if let mainClient { return mainClient }
        let o = JSON.object()
        o.set("check", check)
        if let k = globals.apiKey { o.set("api_key", k) }
        if let b = globals.baseURL { o.set("base_url", b) }
        if let t = globals.requestTimeoutSeconds ?? (waits ? nil : globals.timeoutSeconds) {
            o.set("timeout_ms", max(1, Int(t * 1000)))
        } else if let d = defaultTimeoutMs {
            o.set("timeout_ms", Int(d))
        }
        let c = try Session(optionsJSON: o)
        install(c)
        mainClient = c
        return c
    }

    /// A client for a host outside DC1 (a vllm_serve endpoint): no key is sent there, and a
    /// provider's plain-http address is allowed because nothing secret travels to it.
    func endpointClient(baseURL: String, timeoutMs: Int64) throws -> Session {
        let o = JSON.object()
        o.set("base_url", baseURL)
        o.set("api_key", JSON.null())
        o.set("allow_insecure_http", true)
        o.set("timeout_ms", max(1, Int(globals.requestTimeoutSeconds.map { $0 * 1000 } ?? Double(timeoutMs))))
        let c = try Session(optionsJSON: o)
        install(c)
        return c
    }

    /// --timeout: the command's deadline, wherever it stands (after the command name or before).
    func commandTimeoutMs() throws -> Int64? {
        globals.timeoutSeconds.map { max(1, Int64($0 * 1000)) }
    }

    private func install(_ c: Session) {
        let console = self.console
        // Warnings (e.g. input the server's sanitiser will alter) always; everything with -v.
        c.setLogger(
            { level, message in
                let tag: String
                switch level {
                case .debug: tag = "debug"
                case .info: tag = "info"
                case .warn: tag = "warning"
                case .error: tag = "error"
                }
                console.err("dc1: \(tag): \(message)")
            }, minLevel: globals.verbose ? .debug : .warn)
        Interrupts.shared.register(c)
    }
}

/// The job ended in a state other than completed: an error of the job class (exit 9).
func jobEndedError(_ job: JSON) -> DC1Error {
    let id = job.string("job_id") ?? "?"
    let status = job.string("status") ?? "?"
    let cancelled = status == "cancelled"
    var msg = "job \(id) \(cancelled ? "was cancelled" : "ended \(status)")"
    if let e = job.string("error"), !e.isEmpty { msg += ": \(e)" }
    if job.string("refunded_at") != nil { msg += " (refunded)" }
    var err = DC1Error(cancelled ? .jobCancelled : .jobFailed, msg)
    err.setDetail("job", job)
    return err
}
