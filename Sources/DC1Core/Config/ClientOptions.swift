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
    /// The default level of the checks before a submit (Resources/SubmitCheck.swift).
    public var submitCheck: SubmitCheckLevel = .off
    /// Where the key and the base URL came from (dc1_client_config says so; bindings never
    /// read the environment themselves).
    public var apiKeyFrom: Source? = nil
    public var baseURLFrom: Source = .default

    /// Where a setting came from.
    public enum Source: String, Sendable {
        case option, environment, `default`
    }

    public init() {}

    static let knownKeys: Set<String> = [
        "api_key", "base_url", "timeout_ms", "connect_timeout_ms", "max_retries", "retry_base_ms",
        "max_retry_after_ms", "user_agent", "ca_path", "insecure_skip_verify", "proxy",
        "max_response_bytes", "allow_insecure_http", "pool_size", "check",
    ]

    /// Reads the environment, then the options document on top of it, then validates.
    public static func from(json: JSON?) throws(DC1Error) -> ClientOptions {
        var o = ClientOptions()
        if let p = getenv("DC1_API_KEY"), strlen(p) > 0 {
            o.apiKey = p.withMemoryRebound(to: UInt8.self, capacity: 1) { SecretKey(copying: $0, count: strlen(p)) }
            if o.apiKey == nil { throw .invalid("DC1_API_KEY holds whitespace or control characters inside the key") }
            o.apiKeyFrom = .environment
        }
        if let b = Environment.get("DC1_BASE_URL") {
            o.baseURL = b
            o.baseURLFrom = .environment
        }
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
                if v.isNull {
                    o.apiKey = nil
                    o.apiKeyFrom = nil
                } else if v.isString, let p = json_string_value(v.raw) {
                    let n = json_string_length(v.raw)
                    o.apiKey =
                        n == 0
                        ? nil
                        : p.withMemoryRebound(to: UInt8.self, capacity: n) {
                            SecretKey(copying: $0, count: n)
                        }
                    if n > 0 && o.apiKey == nil {
                        throw .invalid("api_key holds whitespace or control characters")
                    }
                    o.apiKeyFrom = n == 0 ? nil : .option
                } else {
                    throw .invalid("option api_key must be a string")
                }
            }
            // "" is "not given", like an empty DC1_BASE_URL: the environment, then the default.
            if let v = try str("base_url"), let v, !v.isEmpty {
                o.baseURL = v
                o.baseURLFrom = .option
            }
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
            if let v = try SubmitCheckLevel.parse(json["check"], "option check") { o.submitCheck = v }
        }
        try o.validate()
        return o
    }

    /// The settings in effect, as dc1_client_config hands them out: never the key (only whether
    /// there is one, and where it came from), and a proxy URL without its user:password.
    public func document() -> JSON {
        let o = JSON.object()
        o.set("base_url", baseURL)
        o.set("base_url_from", baseURLFrom.rawValue)
        o.set("api_key_set", apiKey != nil)
        o.set("api_key_from", apiKey == nil ? nil : apiKeyFrom?.rawValue)
        o.set("timeout_ms", Int(timeoutMs))
        o.set("connect_timeout_ms", Int(connectTimeoutMs))
        o.set("max_retries", maxRetries)
        o.set("retry_base_ms", Int(retryBaseMs))
        o.set("max_retry_after_ms", Int(maxRetryAfterMs))
        o.set("user_agent", userAgent)
        o.set("ca_path", caPath)
        o.set("insecure_skip_verify", insecureSkipVerify)
        o.set("proxy", proxy.map(ClientOptions.withoutCredentials))
        o.set("max_response_bytes", maxResponseBytes)
        o.set("allow_insecure_http", allowInsecureHTTP)
        o.set("pool_size", poolSize)
        o.set("check", submitCheck.rawValue)
        return o
    }

    /// Overwrites the "api_key" string of an options document before jansson frees it.
    static func wipeKey(in opts: JSON) {
        guard let v = opts["api_key"], v.isString, let p = json_string_value(v.raw) else { return }
        Wipe.bytes(UnsafeMutableRawPointer(mutating: p), json_string_length(v.raw))
    }

    /// A proxy URL with any "user:password@" replaced by "[redacted]@".
    static func withoutCredentials(_ url: String) -> String {
        let b = Array(url.utf8)
        var start = 0
        if let i = (0..<max(0, b.count - 2)).first(where: { b[$0] == 58 && b[$0 + 1] == 47 && b[$0 + 2] == 47 }) {
            start = i + 3  // after "://"
        }
        let end = b[start...].firstIndex(of: UInt8(ascii: "/")) ?? b.count
        guard let at = b[start..<end].lastIndex(of: UInt8(ascii: "@")) else { return url }
        return String(decoding: b[..<start], as: UTF8.self) + "[redacted]" + String(decoding: b[at...], as: UTF8.self)
    }

    public mutating func validate() throws(DC1Error) {
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let url = try BaseURL.parse(baseURL)
        if url.scheme == "http" && !url.isLoopback && !allowInsecureHTTP {
            let text = "Use https:// or set allow_insecure_http"
            var e = DC1Error(
                .invalidArgument,
                "base_url uses plain http:// to a non-loopback host; the API key would travel unencrypted. " + text)
            e.setHint(option: "allow_insecure_http", text: text)
            throw e
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

    /// Loopback by address, never by a name's prefix: a literal IPv4 address in 127.0.0.0/8
    /// (four decimal octets 0–255), the IPv6 literal ::1 (in any spelling that parses to it),
    /// or exactly `localhost`. `127.0.0.1.example.com` or `localhost.evil` are ordinary names.
    var isLoopback: Bool {
        if host == "localhost" { return true }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            return BaseURL.isIPv6Loopback(String(host.dropFirst().dropLast()))
        }
        if let o = BaseURL.ipv4Octets(host) { return o[0] == 127 }
        return false
    }

    /// Four dotted decimal octets, each 0–255 without a leading zero; nil for anything else.
    static func ipv4Octets(_ s: String) -> [Int]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [Int] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                p.count == 1 || p.first != "0", let v = Int(p), v <= 255
            else { return nil }
            out.append(v)
        }
        return out
    }

    /// Whether an IPv6 literal (without brackets) is ::1: every group zero but the last, which is 1.
    static func isIPv6Loopback(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 58 }) else {
            return false
        }
        let halves = s.components(separatedByDoubleColon: ())
        func groups(_ t: Substring) -> [Substring]? {
            if t.isEmpty { return [] }
            let g = t.split(separator: ":", omittingEmptySubsequences: false)
            return g.allSatisfy({ !$0.isEmpty && $0.count <= 4 }) ? g : nil
        }
        var all: [Substring]
        if let h = halves {
            guard let a = groups(h.0), let b = groups(h.1), a.count + b.count <= 7 else { return false }
            all = a + Array(repeating: "0", count: 8 - a.count - b.count) + b
        } else {
            guard let g = groups(Substring(s)), g.count == 8 else { return false }
            all = g
        }
        let values = all.compactMap { Int($0, radix: 16) }
        return values.count == 8 && values.dropLast().allSatisfy { $0 == 0 } && values.last == 1
    }

    static func parse(_ s: String) throws(DC1Error) -> BaseURL {
        let lower = s.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw .invalid("base_url must start with http:// or https://")
        }
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

private extension String {
    /// The two sides of the first "::" (nil when there is none; more than one is malformed,
    /// which the group count then rejects).
    func components(separatedByDoubleColon _: ()) -> (Substring, Substring)? {
        let u = Array(utf8)
        var i = 0
        while i + 1 < u.count {
            if u[i] == 58 && u[i + 1] == 58 {
                let a = Substring(String(decoding: u[0..<i], as: UTF8.self))
                let rest = String(decoding: u[(i + 2)...], as: UTF8.self)
                if rest.contains("::") { return (a, Substring("x:x:x:x:x:x:x:x:x")) }
                return (a, Substring(rest))
            }
            i += 1
        }
        return nil
    }
}
