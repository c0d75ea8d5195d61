/// How a request authenticates (docs/server.md §3.2, §18: x-renter-key under /api, Bearer on /v1).
public enum AuthMode: Sendable {
    case none
    case renterHeader
    case bearer
}

/// What a retry of the request would risk, which decides how failures are retried.
public enum Idempotency: Sendable {
    /// Reads: retried on connection errors, 429 with Retry-After and 502/503/504.
    case safe
    /// Creates or charges something (submit): retried only when it certainly did not reach
    /// the handler; sent on a fresh connection so libcurl's own dead-connection resend
    /// cannot repeat it.
    case unsafe
}

public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var body: [UInt8]?
    public var auth: AuthMode = .renterHeader
    public var accept: String = "application/json"
    public var idempotency: Idempotency
    public var extraHeaders: [String] = []
    /// A full URL on another host (a vllm_serve endpoint); the client's base_url otherwise.
    public var absoluteURL: String? = nil

    public init(method: String, path: String, body: [UInt8]? = nil, idempotency: Idempotency? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.idempotency = idempotency ?? ((method == "GET" || method == "HEAD") ? .safe : .unsafe)
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Lower-cased names.
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var requestID: String
    /// How many attempts the call made in all.
    public var attempts: Int = 1

    public func header(_ name: String) -> String? {
        headers.last { $0.0 == name }?.1
    }

    public var contentType: String { header("content-type")?.lowercased() ?? "" }
    public var isJSONContent: Bool { contentType.contains("json") }

    /// The body parsed as JSON, or nil when empty or not JSON.
    public func json() -> JSON? {
        guard !body.isEmpty else { return nil }
        return try? JSON.parse(body)
    }

    /// Up to `limit` characters of the body as text, for messages.
    public func bodySnippet(_ limit: Int = 200) -> String {
        let s = String(decoding: body.prefix(limit), as: UTF8.self)
        return s.filter { !$0.isNewline }
    }

    public var looksLikeHTML: Bool {
        if contentType.contains("html") { return true }
        let start = body.prefix(64).drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        return start.first == UInt8(ascii: "<")
    }
}

/// A failure below HTTP: no status line arrived.
public struct TransportFailure: Error, Sendable {
    public enum Kind: Sendable {
        /// The request never left (refused, DNS, TLS handshake): safe to retry anything.
        case notSent
        /// The connection broke after the request may have been sent.
        case broken
        /// The body ended before its Content-Length: a truncated response.
        case truncated
        case timeout
        case interrupted
        case tooLarge
        /// TLS verification and similar: retrying will not help.
        case fatal
    }
    public var kind: Kind
    public var message: String
    /// Whether any request bytes were written.
    public var requestSent: Bool
}
