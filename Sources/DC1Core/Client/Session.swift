import Synchronization

/// Log levels, as DC1_LOG_* in the header.
public enum LogLevel: Int, Sendable, Comparable {
    case debug = 0, info = 1, warn = 2, error = 3
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

public typealias LogSink = @Sendable (LogLevel, String) -> Void

/// One client's session: its options, the connection pool, the retry loop, the redactor, the
/// logger, the interrupt generation and what it has learnt (pacing, the catalogue). Every call
/// reaches the network through `send`, so none can skip the redactor or the stop rules.
///
/// The operations live in one type per resource, each built over a session:
/// `session.account`, `.providers`, `.catalogue`, `.jobs`, `.output`, `.streams`, `.webhooks`,
/// `.batch` (Resources/, Streaming/, Webhooks/, Batch/).
public final class Session: @unchecked Sendable {
    public let options: ClientOptions
    let transport: CurlTransport
    let retryPolicy: RetryPolicy
    /// What the client has fetched of the catalogue (Resources/Catalogue.swift).
    public let catalogueCache = CatalogueCache()
    /// What the server said of its limits, from every response (RateLimit-*, 429 Retry-After).
    public let pacing = Pacing()
    /// Outputs of completed jobs (they never change), for Jobs.getWithOutput.
    let outputCache = OutputCache(capacity: 32)

    private let stateLock = Lock()
    /// Bumped by interrupt(); read lock-free on every poll slice of every transfer.
    private let interruptGeneration = Atomic<Int>(0)
    private var logSink: LogSink?
    private var logMinLevel = LogLevel.info

    public init(options: ClientOptions) {
        self.options = options
        self.transport = CurlTransport(options: options)
        self.retryPolicy = RetryPolicy(options)
        self.redactor = Redactor(key: options.apiKey)
    }

    /// Keeps this client's key out of everything it hands back about a failure: the C layer
    /// passes every error document, dc1_last_error() text and event through it, and log() does.
    public let redactor: Redactor

    /// An error as it may leave the library (for callers of the core other than the C layer,
    /// such as the CLI).
    public func redacted(_ e: DC1Error) -> DC1Error { e.redacted(by: redactor) }

    /// Parses the options document of dc1_client_new (nil: environment only). The key's bytes
    /// in the document are wiped afterwards: the client keeps its own copy.
    public convenience init(optionsJSON: JSON?) throws(DC1Error) {
        defer { if let optionsJSON { ClientOptions.wipeKey(in: optionsJSON) } }
        self.init(options: try ClientOptions.from(json: optionsJSON))
    }

    public var hasAPIKey: Bool { options.apiKey != nil }

    // MARK: interruption

    /// Ends every blocking call now running on this client (dc1_client_interrupt).
    public func interrupt() { interruptGeneration.add(1, ordering: .sequentiallyConsistent) }

    /// A token for one call: it reports interruption when interrupt() ran after it was taken.
    public func interruptToken() -> InterruptToken {
        InterruptToken(client: self, generation: generation())
    }

    func generation() -> Int { interruptGeneration.load(ordering: .acquiring) }

    // MARK: the key

    func requireKey(_ what: String) throws(DC1Error) {
        guard hasAPIKey else {
            let text = "set DC1_API_KEY or the api_key option"
            var e = DC1Error(.auth, "\(what) needs an API key: \(text)")
            e.setHint(option: "api_key", env: "DC1_API_KEY", text: text)
            throw e
        }
    }

    /// §3.2 G7/G8: 404 "Renter not found" means an unknown key; 400 "API key required" a missing one.
    func renterAuthError(_ e: DC1Error) -> DC1Error {
        var e = e
        if e.code == .notFound || (e.code == .validation && e.message.lowercased().contains("key")) {
            e.code = .auth
            e.message += " (the server reports an unknown or missing key this way)"
        }
        return e
    }

    // MARK: resources

    public var account: Account { Account(self) }
    public var providers: Providers { Providers(self) }
    public var catalogue: Catalogue { Catalogue(self) }
    public var jobs: Jobs { Jobs(self) }
    public var output: Output { Output(self) }
    public var streams: Streams { Streams(self) }
    public var webhooks: Webhooks { Webhooks(self) }
    public var batch: Batch { Batch(self) }

    // MARK: logging

    public func setLogger(_ sink: LogSink?, minLevel: LogLevel) {
        stateLock.withLock {
            logSink = sink; logMinLevel = minLevel
        }
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        let sink = stateLock.withLock { () -> LogSink? in level >= logMinLevel ? logSink : nil }
        guard let sink else { return }
        // Every log line passes the redactor: a message never carries the key, whatever produced it.
        sink(level, redactor.redact(message()))
    }

    // MARK: sending with retries

    /// Sends a request under the client's deadline (or `timeoutMs`), retrying as the
    /// retry policy (Transport/RetryPolicy.swift) allows for its idempotency. Returns 2xx
    /// responses and the statuses in `accept`; anything else becomes a DC1Error.
    public func send(
        _ req: HTTPRequest, timeoutMs: Int64? = nil, accept: Set<Int> = [],
        token: InterruptToken? = nil, filter: BodyFilter? = nil
    ) throws(DC1Error) -> HTTPResponse {
        let token = token ?? interruptToken()
        let deadline = Deadline(afterMs: timeoutMs ?? options.timeoutMs)
        var route: String { "\(req.method) \(ErrorMapping.routeForMessages(req.path))" }  // messages only
        var attempt = 0
        while true {
            if token.isInterrupted { throw token.error(attempts: attempt) }  // a stop that came first
            attempt += 1
            let requestID = Random.requestID()
            let started = Clock.nowMs()
            let outcome: Result<HTTPResponse, TransportFailure>
            do {
                let r = try transport.perform(
                    req, requestID: requestID, deadline: deadline,
                    fresh: req.idempotency == .unsafe,
                    shouldAbort: { token.isInterrupted }, filter: filter)
                outcome = .success(r)
            } catch {
                outcome = .failure(error)
            }
            let waitMs: Int64
            switch outcome {
            case .success(var resp):
                resp.attempts = attempt
                pacing.observe(resp, method: req.method, path: req.path)
                log(.debug, "\(route) → \(resp.status) in \(Clock.nowMs() - started) ms (request \(resp.requestID))")
                if (200..<300).contains(resp.status) || accept.contains(resp.status) { return resp }
                var err = ErrorMapping.error(for: resp, req)
                err.attempts = attempt
                waitMs = try retryPolicy.afterResponse(resp, err, req, attempt: attempt, deadline: deadline)
                log(.info, "\(route): HTTP \(resp.status); retry \(attempt)/\(options.maxRetries) in \(waitMs) ms")

            case .failure(let f):
                if f.kind == .interrupted {
                    var e = token.error(attempts: attempt)
                    if req.idempotency == .unsafe && f.requestSent {
                        e.message +=
                            "; the request had been sent, so it may have taken effect (for a submit: the job may exist)"
                        e.setDetail("fate_unknown", .bool(true))
                    }
                    throw e
                }
                var err = DC1Error(.network, "\(route): \(f.message)")
                if f.kind == .timeout { err.message = "\(route): \(f.message) (\(timeoutMs ?? options.timeoutMs) ms)" }
                err.attempts = attempt
                waitMs = try retryPolicy.afterFailure(f, err, req, attempt: attempt, deadline: deadline)
                log(.info, "\(route): \(f.message); retry \(attempt)/\(options.maxRetries) in \(waitMs) ms")
            }
            guard Clock.sleep(ms: waitMs, stop: { token.isInterrupted }) else { throw token.error(attempts: attempt) }
        }
    }

    /// Exponential backoff with equal jitter (the retry policy's), also for stream reconnects.
    func backoff(_ attempt: Int) -> Int64 { retryPolicy.backoff(attempt) }

    /// Sends and parses a JSON body (a 2xx with no body gives an empty object).
    public func sendJSON(
        _ req: HTTPRequest, timeoutMs: Int64? = nil,
        token: InterruptToken? = nil
    ) throws(DC1Error) -> JSON {
        let resp = try send(req, timeoutMs: timeoutMs, token: token)
        return try parseJSONBody(resp, req)
    }

    public func parseJSONBody(_ resp: HTTPResponse, _ req: HTTPRequest) throws(DC1Error) -> JSON {
        let route = "\(req.method) \(ErrorMapping.routeForMessages(req.path))"
        if resp.body.isEmpty { return .object() }
        if resp.looksLikeHTML && !resp.isJSONContent {
            var e = DC1Error(
                .protocolError,
                "\(route): expected JSON, got an HTML page (HTTP \(resp.status), "
                    + "Content-Type \(resp.contentType.isEmpty ? "none" : resp.contentType))")
            ErrorMapping.decorate(&e, resp, nil)
            throw e
        }
        do {
            return try JSON.parse(resp.body)
        } catch {
            var e = DC1Error(
                .protocolError,
                "\(route): the response is not valid JSON (\(error)); "
                    + "\(resp.body.count) bytes, Content-Type \(resp.contentType.isEmpty ? "none" : resp.contentType)")
            ErrorMapping.decorate(&e, resp, nil)
            e.attempts = resp.attempts
            throw e
        }
    }

    // MARK: any route

    /// Any route, with the client's auth, retries and error mapping.
    public func request(method: String?, path: String?, body: JSON?) throws(DC1Error) -> JSON {
        guard let method else { throw .invalid("method is NULL") }
        let m = method.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(m) else {
            throw .invalid("method must be GET, POST, PUT, PATCH, DELETE or HEAD")
        }
        let p = try Paths.route(path)
        var req = HTTPRequest(method: m, path: p, body: body?.dumpBytes())
        if p.hasPrefix("/v1/") { req.auth = .bearer }
        let resp = try send(req)
        let out = JSON.object()
        out.set("http_status", resp.status)
        out.set("request_id", resp.requestID)
        if resp.body.isEmpty {
            out.set("body", JSON.null())
        } else if let j = resp.json() {
            out.set("body", j)
        } else {
            out.set("body", String(decoding: resp.body, as: UTF8.self))
        }
        return out
    }
}
