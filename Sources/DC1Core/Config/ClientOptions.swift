import CJansson
import Glibc

/// The client's configuration (the options JSON of dc1_client_new).
public struct ClientOptions: Sendable {
    public var apiKey: SecretKey? = nil
    public var baseURL: String = "https://api.dcp.sa"
    public var timeoutMs: Int64 = 30_000
    public var connectTimeoutMs: Int64 = 10_000
    public var maxRetries: Int = 3
    public var retryBaseMs: Int64 = 250
    public var maxRetryAfterMs: Int64 = 60_000
    public var userAgent: String? = nil
    public var caPath: String? = nil
    public var insecureSkipVerify: Bool = false
    public var proxy: String? = nil
    public var maxResponseBytes: Int = 64 << 20
    public var allowInsecureHTTP: Bool = false
    public var poolSize: Int = 8

    public init() {}

    static let knownKeys: Set<String> = [
        "api_key", "base_url", "timeout_ms", "connect_timeout_ms", "max_retries", "retry_base_ms",
        "max_retry_after_ms", "user_agent", "ca_path", "insecure_skip_verify", "proxy",
        "max_response_bytes", "allow_insecure_http", "pool_size",
    ]

    /// Reads the environment, then the options document on top of it, then validates.
    public static func from(json: JSON?) throws(DC1Error) -> ClientOptions {
        var o = ClientOptions()
        if let p = getenv("DC1_API_KEY"), strlen(p) > 0 {
            o.apiKey = p.withMemoryRebound(to: UInt8.self, capacity: 1) { SecretKey(copying: $0, count: strlen(p)) }
            if o.apiKey == nil { throw .invalid("DC1_API_KEY holds whitespace or control characters inside the key") }
        }
        if let b = Environment.get("DC1_BASE_URL") { o.baseURL = b }
        if let json {
            guard json.isObject else { throw .invalid("options must be a JSON object, got \(json.typeName)") }
            for key in json.keys where !knownKeys.contains(key) {
                throw .invalid("unknown option \"\(key)\"")
            }
            func str(_ k: String) throws(DC1Error) -> String?? {
                guard let v = json[k] else { return .none }
                if v.isNull { return .some(nil) }
                guard let s = v.stringValue else { throw .invalid("option \(k) must be a string") }
                return .some(s)
            }
            func int(_ k: String, min: Int64, max: Int64) throws(DC1Error) -> Int64? {
                guard let v = json[k], !v.isNull else { return nil }
                guard let i = v.intValue, Int64(i) >= min, Int64(i) <= max else {
                    throw .invalid("option \(k) must be an integer in \(min)...\(max)")
                }
                return Int64(i)
            }
            func bool(_ k: String) throws(DC1Error) -> Bool? {
                guard let v = json[k], !v.isNull else { return nil }
                guard let b = v.boolValue else { throw .invalid("option \(k) must be a boolean") }
                return b
            }
            if let v = json["api_key"] {
                if v.isNull { o.apiKey = nil }
                else if v.isString, let p = json_string_value(v.raw) {
                    let n = json_string_length(v.raw)
                    o.apiKey = n == 0 ? nil : p.withMemoryRebound(to: UInt8.self, capacity: n) {
                        SecretKey(copying: $0, count: n)
                    }
                    if n > 0 && o.apiKey == nil {
                        throw .invalid("api_key holds whitespace or control characters")
                    }
                } else { throw .invalid("option api_key must be a string") }
            }
            if let v = try str("base_url"), let v { o.baseURL = v }
            if let v = try int("timeout_ms", min: 1, max: 86_400_000) { o.timeoutMs = v }
            if let v = try int("connect_timeout_ms", min: 1, max: 600_000) { o.connectTimeoutMs = v }
            if let v = try int("max_retries", min: 0, max: 20) { o.maxRetries = Int(v) }
            if let v = try int("retry_base_ms", min: 1, max: 60_000) { o.retryBaseMs = v }
            if let v = try int("max_retry_after_ms", min: 0, max: 3_600_000) { o.maxRetryAfterMs = v }
            if let v = try str("user_agent") { o.userAgent = v }
            if let v = try str("ca_path") { o.caPath = v }
            if let v = try bool("insecure_skip_verify") { o.insecureSkipVerify = v }
            if let v = try str("proxy") { o.proxy = v }
            if let v = try int("max_response_bytes", min: 1024, max: 1 << 40) { o.maxResponseBytes = Int(v) }
            if let v = try bool("allow_insecure_http") { o.allowInsecureHTTP = v }
            if let v = try int("pool_size", min: 0, max: 256) { o.poolSize = Int(v) }
        }
        try o.validate()
        return o
    }

    public mutating func validate() throws(DC1Error) {
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let url = try BaseURL.parse(baseURL)
        if url.scheme == "http" && !url.isLoopback && !allowInsecureHTTP {
            throw .invalid("base_url uses plain http:// to a non-loopback host; the API key would travel "
                + "unencrypted. Use https:// or set allow_insecure_http")
        }
        if let ua = userAgent, ua.utf8.contains(where: { $0 < 0x20 }) {
            throw .invalid("user_agent holds control characters")
        }
    }
}

/// The parts of base_url the client checks.
struct BaseURL {
    var scheme: String
    var host: String

    var isLoopback: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "::1"
    }

    static func parse(_ s: String) throws(DC1Error) -> BaseURL {
        let lower = s.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" }
        else if lower.hasPrefix("http://") { scheme = "http" }
        else { throw .invalid("base_url must start with http:// or https://") }
        let rest = lower.dropFirst(scheme.count + 3)
        if rest.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            throw .invalid("base_url holds whitespace, '?' or '#'")
        }
        var authority = rest.prefix { $0 != "/" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = String(authority)
        if host.hasPrefix("[") {
            if let end = host.firstIndex(of: "]") { host = String(host[...end]) }
        } else if let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        if host.isEmpty { throw .invalid("base_url has no host") }
        return BaseURL(scheme: scheme, host: host)
    }
}
