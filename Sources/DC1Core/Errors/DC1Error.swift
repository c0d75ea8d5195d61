/// The error codes of include/dc1.h. Raw values are the C return codes; they are
/// appended, never renumbered (a test checks this table against the header).
///
/// A struct over a private enum, so a code added later does not break a `switch` in code
/// that uses this type: match the codes you handle and keep a `default`.
public struct DC1Code: Sendable, Hashable, CustomStringConvertible {
    private enum Base: Int32, CaseIterable {
        case ok = 0, invalidArgument = -1, network = -2, timeout = -3, auth = -4, notFound = -5
        case insufficientBalance = -6, rateLimited = -7, quotaExceeded = -8, validation = -9
        case server = -10, protocolError = -11, jobFailed = -12, jobCancelled = -13, notReady = -14
        case interrupted = -15, submitUnknown = -16, http = -17, noMemory = -18, io = -19
        case badSignature = -20, waitTimeout = -21, busy = -22, `internal` = -99
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The code for a C return value; nil for values this version does not know.
    public init?(rawValue: Int32) {
        guard let b = Base(rawValue: rawValue) else { return nil }
        base = b
    }

    /// The C return code.
    public var rawValue: Int32 { base.rawValue }

    public static let ok = DC1Code(.ok)
    /// A NULL pointer, malformed JSON, a wrong type, a bad id or option. Nothing was sent.
    public static let invalidArgument = DC1Code(.invalidArgument)
    /// Connection refused or reset, DNS or TLS failure (after retries).
    public static let network = DC1Code(.network)
    /// One HTTP request ran out of its deadline.
    public static let timeout = DC1Code(.timeout)
    /// 401 or 403.
    public static let auth = DC1Code(.auth)
    /// 404.
    public static let notFound = DC1Code(.notFound)
    /// 402.
    public static let insufficientBalance = DC1Code(.insufficientBalance)
    /// 429 with Retry-After, after retries.
    public static let rateLimited = DC1Code(.rateLimited)
    /// 429 without Retry-After: a daily or monthly quota.
    public static let quotaExceeded = DC1Code(.quotaExceeded)
    /// 400.
    public static let validation = DC1Code(.validation)
    /// 5xx.
    public static let server = DC1Code(.server)
    /// A response that is not what the contract promises.
    public static let protocolError = DC1Code(.protocolError)
    public static let jobFailed = DC1Code(.jobFailed)
    public static let jobCancelled = DC1Code(.jobCancelled)
    public static let notReady = DC1Code(.notReady)
    /// Ended by dc1_client_interrupt, a dc1_stop or the call's own callback.
    public static let interrupted = DC1Code(.interrupted)
    public static let submitUnknown = DC1Code(.submitUnknown)
    public static let http = DC1Code(.http)
    public static let noMemory = DC1Code(.noMemory)
    public static let io = DC1Code(.io)
    public static let badSignature = DC1Code(.badSignature)
    /// A wait's own deadline passed (the job's last state is in the error's "job").
    public static let waitTimeout = DC1Code(.waitTimeout)
    /// Something the call needs is held by another run (a batch journal in use).
    public static let busy = DC1Code(.busy)
    public static let `internal` = DC1Code(.internal)

    /// Every code this version knows, in header order.
    public static var allCases: [DC1Code] { Base.allCases.map(DC1Code.init) }

    public var description: String { name }

    /// The symbolic name, as in the header.
    public var name: String {
        switch base {
        case .ok: return "DC1_OK"
        case .invalidArgument: return "DC1_E_INVALID_ARGUMENT"
        case .network: return "DC1_E_NETWORK"
        case .timeout: return "DC1_E_TIMEOUT"
        case .auth: return "DC1_E_AUTH"
        case .notFound: return "DC1_E_NOT_FOUND"
        case .insufficientBalance: return "DC1_E_INSUFFICIENT_BALANCE"
        case .rateLimited: return "DC1_E_RATE_LIMITED"
        case .quotaExceeded: return "DC1_E_QUOTA_EXCEEDED"
        case .validation: return "DC1_E_VALIDATION"
        case .server: return "DC1_E_SERVER"
        case .protocolError: return "DC1_E_PROTOCOL"
        case .jobFailed: return "DC1_E_JOB_FAILED"
        case .jobCancelled: return "DC1_E_JOB_CANCELLED"
        case .notReady: return "DC1_E_NOT_READY"
        case .interrupted: return "DC1_E_INTERRUPTED"
        case .submitUnknown: return "DC1_E_SUBMIT_UNKNOWN"
        case .http: return "DC1_E_HTTP"
        case .noMemory: return "DC1_E_NO_MEMORY"
        case .io: return "DC1_E_IO"
        case .badSignature: return "DC1_E_BAD_SIGNATURE"
        case .waitTimeout: return "DC1_E_WAIT_TIMEOUT"
        case .busy: return "DC1_E_BUSY"
        case .internal: return "DC1_E_INTERNAL"
        }
    }
}

/// Every failure of the core. It carries what the C error document reports.
public struct DC1Error: Error, Sendable, CustomStringConvertible {
    public var code: DC1Code
    public var message: String
    public var httpStatus: Int? = nil
    public var requestID: String? = nil
    public var retryAfterMs: Int? = nil
    public var attempts: Int? = nil
    /// Set on failures of an unsafe request after it may have reached the server; the
    /// submit path reconciles instead of reporting these directly. Not serialised.
    public var fateUnknown = false
    /// Extra members of the error document ("fields", "body", "job", "candidates").
    public var details: [(String, JSON)] = []

    public init(_ code: DC1Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    /// Advice that names a setting, structured so each front end can say it in its own terms:
    /// {"option": the client option (C's name), "env"?: the environment variable, "text": the
    /// C wording, which ends the message}. A binding that renders the hint replaces the
    /// message's ending `text` with its own words (CLI --api-key, Python api_key=, Node apiKey).
    public mutating func setHint(option: String, env: String? = nil, text: String) {
        let h = JSON.object()
        h.set("option", option)
        if let env { h.set("env", env) }
        h.set("text", text)
        setDetail("hint", h)
    }

    public func detail(_ key: String) -> JSON? { details.first { $0.0 == key }?.1 }

    public mutating func setDetail(_ key: String, _ value: JSON) {
        details.removeAll { $0.0 == key }
        details.append((key, value))
    }

    /// The error document of the header's "Output" rule.
    public func document() -> JSON {
        let o = JSON.object()
        o.set("code", code.name)
        o.set("rc", Int(code.rawValue))
        o.set("message", message)
        if let httpStatus { o.set("http_status", httpStatus) }
        if let requestID { o.set("request_id", requestID) }
        if let retryAfterMs { o.set("retry_after_ms", retryAfterMs) }
        if let attempts { o.set("attempts", attempts) }
        for (k, v) in details { o.set(k, v) }
        return o
    }

    public static func invalid(_ message: String) -> DC1Error { DC1Error(.invalidArgument, message) }
}
