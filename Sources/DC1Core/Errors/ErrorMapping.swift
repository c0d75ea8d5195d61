/// Turns a non-2xx response into a DC1Error. The contract says to branch on the HTTP status
/// first (§2): most error bodies carry no machine code, and some are HTML.
enum ErrorMapping {
    static func error(for resp: HTTPResponse, _ req: HTTPRequest) -> DC1Error {
        let body = resp.isJSONContent || !resp.looksLikeHTML ? resp.json() : nil
        let serverMessage = message(in: body)
        let route = "\(req.method) \(routeForMessages(req.path))"
        let code: DC1Code
        switch resp.status {
        case 300..<400:
            let target = resp.header("location").map { hostOf($0) } ?? "?"
            var e = DC1Error(
                .protocolError,
                "\(route): unexpected redirect (HTTP \(resp.status)) to \(target); "
                    + "not followed, so the API key is not sent there")
            decorate(&e, resp, body)
            return e
        case 400: code = .validation
        case 401, 403: code = .auth
        case 402: code = .insufficientBalance
        case 404: code = .notFound
        case 429: code = retryAfterMs(resp, body) != nil ? .rateLimited : .quotaExceeded
        case 500..<600: code = .server
        default: code = .http
        }
        var text: String
        if let serverMessage {
            text = "\(route): HTTP \(resp.status): \(serverMessage)"
        } else if resp.looksLikeHTML {
            text =
                "\(route): HTTP \(resp.status) with an HTML error page: \(htmlTitle(resp.body) ?? resp.bodySnippet(120))"
        } else if resp.body.isEmpty {
            text = "\(route): HTTP \(resp.status) with an empty body"
        } else {
            text = "\(route): HTTP \(resp.status): \(resp.bodySnippet(160))"
        }
        if code == .quotaExceeded { text += " (a quota: retrying before it resets will not help)" }
        var e = DC1Error(code, text)
        decorate(&e, resp, body)
        if code == .rateLimited { e.retryAfterMs = retryAfterMs(resp, body) }
        if let fields = body?["fields"], fields.isArray { e.setDetail("fields", fields) }
        return e
    }

    static func decorate(_ e: inout DC1Error, _ resp: HTTPResponse, _ body: JSON?) {
        e.httpStatus = resp.status
        e.requestID = resp.requestID
        if let body {
            e.setDetail("body", body)
        } else if !resp.body.isEmpty {
            e.setDetail("body", .string(resp.bodySnippet(2000)))
        }
    }

    /// The message of `{"error":"…"}`, `{"error":{"message":"…"}}` (/v1) or `{"message":"…"}`.
    static func message(in body: JSON?) -> String? {
        guard let body, body.isObject else { return nil }
        if let s = body.string("error") {
            if let m = body.string("message"), m != s { return "\(s) — \(m)" }
            return s
        }
        if let m = body["error"]?.string("message") { return m }
        return body.string("message")
    }

    /// Retry-After (seconds or an HTTP date), else the limiter body fields (§2, §4, §11).
    static func retryAfterMs(_ resp: HTTPResponse, _ body: JSON?) -> Int? {
        if let h = resp.header("retry-after") {
            let t = h.trimmingSpaces
            if let s = Int(t), s >= 0 { return s * 1000 }
            if let d = Double(t), d >= 0 { return Int(d * 1000) }
            if let when = HTTPDate.parse(t) { return Swift.max(0, Int((when - Clock.wallSeconds()) * 1000)) }
        }
        guard let body, body.isObject else { return nil }
        if let ms = body.int("retryAfterMs") ?? body.int("retry_after_ms") { return ms }
        if let s = body.double("retryAfterSeconds") ?? body.double("retry_after_seconds") { return Int(s * 1000) }
        if let inner = body["error"], inner.isObject {
            if let ms = inner.int("retry_after_ms") { return ms }
            if let s = inner.double("retry_after_seconds") { return Int(s * 1000) }
        }
        return nil
    }

    static func htmlTitle(_ body: [UInt8]) -> String? {
        let text = Array(body.prefix(4096))
        for tag in ["<title>", "<pre>", "<h1>"] {
            let t = Array(tag.utf8)
            if let start = Bytes.firstIndex(of: t, in: text),
                let end = Bytes.firstIndex(of: Array("</".utf8), in: text, from: start + t.count)
            {
                let inner = String(decoding: text[(start + t.count)..<end], as: UTF8.self).trimmingSpaces
                if !inner.isEmpty { return String(inner.prefix(160)) }
            }
        }
        return nil
    }

    /// Paths in messages lose their query string (it might hold a key on query-only routes).
    static func routeForMessages(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }
}
