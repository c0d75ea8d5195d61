/// The error codes of include/dc1.h. Raw values are the C return codes; they are
/// appended, never renumbered.
public enum DC1Code: Int32, Sendable, CaseIterable {
    case ok = 0
    case invalidArgument = -1
    case network = -2
    case timeout = -3
    case auth = -4
    case notFound = -5
    case insufficientBalance = -6
    case rateLimited = -7
    case quotaExceeded = -8
    case validation = -9
    case server = -10
    case protocolError = -11
    case jobFailed = -12
    case jobCancelled = -13
    case notReady = -14
    case interrupted = -15
    case submitUnknown = -16
    case http = -17
    case noMemory = -18
    case io = -19
    case badSignature = -20
    case `internal` = -99

    /// The symbolic name, as in the header.
    public var name: String {
        switch self {
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
