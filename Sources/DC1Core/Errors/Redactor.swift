/// The one place that keeps the API key out of what the library hands back about a failure.
/// Every error document, dc1_last_error() text, log line and callback event passes through
/// the client's Redactor on its way out (Bridge.fail / deliver in DC1CAPI, Session.log),
/// so no route has to remember to check.
///
/// It replaces the key with "[redacted]" in every spelling a server (or a decoder on the
/// way) can give it:
///   - raw bytes (what a decoded JSON string or message holds);
///   - each byte JSON-escaped (`\u0064`), with any number of backslashes (a body nested as a
///     string inside another body: `\\u0064`), or `\xHH`, or a backslash before a punctuation byte;
///   - each byte percent-encoded (`%64`, `%2D`, either case), also twice (`%2564`);
///   - each byte as an HTML character reference (`&#100;`, `&#x64;`);
///   - any mix of those, byte by byte;
///   - a prefix of the key (at least `minimumPrefix` bytes) cut off at the end of the text, of a
///     JSON string or before "…", or a longer prefix (`anywherePrefix` bytes or a third of the
///     key) anywhere: a body snippet truncated in the middle of the key.
/// The text around the key is kept: the rest of a body is usually what explains the failure.
public struct Redactor: Sendable {
    public static let replacement = "[redacted]"
    /// A truncated key is redacted when at least this many of its first bytes are present.
    static let minimumPrefix = 8
    /// …and anywhere when at least this many (or a third of the key, if more) are present.
    static let anywherePrefix = 12

    private let key: SecretKey?

    public init(key: SecretKey?) { self.key = key }

    /// Whether there is anything to redact (a client without a key hands nothing back).
    public var isActive: Bool { key != nil }

    public func redact(_ text: String) -> String {
        guard key != nil else { return text }
        let bytes = Array(text.utf8)
        guard let out = redactBytes(bytes) else { return text }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text with every occurrence replaced; nil when there was none (the common case, so
    /// callers keep their original buffer).
    public func redactBytes(_ text: [UInt8]) -> [UInt8]? {
        guard let key, !text.isEmpty else { return nil }
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        var found = false
        let repl = Array(Redactor.replacement.utf8)
        while i < text.count {
            if let end = match(text, at: i, key) {
                if !found { out.reserveCapacity(text.count); found = true }
                out.append(contentsOf: text[copied..<i])
                out.append(contentsOf: repl)
                i = end
                copied = end
            } else {
                i += 1
            }
        }
        guard found else { return nil }
        out.append(contentsOf: text[copied...])
        return out
    }

    /// Whether `text` holds the key in any of the spellings above.
    public func occurs(in text: [UInt8]) -> Bool { redactBytes(text) != nil }

    // MARK: matching

    /// The end of a spelling of the key (or of a truncated prefix of it) starting at `start`.
    private func match(_ t: [UInt8], at start: Int, _ key: SecretKey) -> Int? {
        var p = start
        var j = 0
        while j < key.count {
            guard p < t.count, let next = byte(t, at: p, equals: key.bytes[j]) else {
                // Truncated: enough of the key, then the end of the text or of a string; or a
                // long prefix anywhere (a snippet cut inside the key, then more message text).
                if j >= Swift.min(Redactor.minimumPrefix, key.count), atCut(t, p) { return p }
                if j >= Swift.min(key.count, Swift.max(Redactor.anywherePrefix, key.count / 3)) { return p }
                return nil
            }
            p = next
            j += 1
        }
        return p
    }

    private func atCut(_ t: [UInt8], _ p: Int) -> Bool {
        if p >= t.count { return true }
        if t[p] == UInt8(ascii: "\"") { return true }
        return p + 2 < t.count && t[p] == 0xE2 && t[p + 1] == 0x80 && t[p + 2] == 0xA6  // "…"
    }

    /// Where the spelling of `k` that starts at `p` ends, or nil.
    private func byte(_ t: [UInt8], at p: Int, equals k: UInt8) -> Int? {
        let c = t[p]
        if c == k { return p + 1 }
        switch c {
        case UInt8(ascii: "%"):
            var q = p + 1
            while q + 1 < t.count, t[q] == UInt8(ascii: "2"), t[q + 1] == UInt8(ascii: "5"),
                q + 3 < t.count, hex(t[q + 2]) != nil
            { q += 2 }  // %25… (encoded twice)
            if let v = hexValue(t, q, 2), v == Int(k) { return q + 2 }
            return nil
        case UInt8(ascii: "\\"):
            var q = p
            while q < t.count, t[q] == UInt8(ascii: "\\") { q += 1 }
            guard q < t.count else { return nil }
            if t[q] == UInt8(ascii: "u"), let v = hexValue(t, q + 1, 4), v == Int(k) { return q + 5 }
            if t[q] == UInt8(ascii: "x"), let v = hexValue(t, q + 1, 2), v == Int(k) { return q + 3 }
            if t[q] == k && !isAlnum(k) { return q + 1 }  // \/ \" \\
            return nil
        case UInt8(ascii: "&"):
            guard p + 2 < t.count, t[p + 1] == UInt8(ascii: "#") else { return nil }
            var q = p + 2
            var v = 0
            var digits = 0
            if t[q] == UInt8(ascii: "x") || t[q] == UInt8(ascii: "X") {
                q += 1
                while q < t.count, let h = hex(t[q]), digits < 6 { v = v * 16 + h; q += 1; digits += 1 }
            } else {
                while q < t.count, t[q] >= 48, t[q] <= 57, digits < 7 {
                    v = v * 10 + Int(t[q] - 48); q += 1; digits += 1
                }
            }
            guard digits > 0, v == Int(k) else { return nil }
            if q < t.count, t[q] == UInt8(ascii: ";") { q += 1 }
            return q
        default:
            return nil
        }
    }

    private func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    private func hex(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 65...70: return Int(c - 55)
        case 97...102: return Int(c - 87)
        default: return nil
        }
    }

    private func hexValue(_ t: [UInt8], _ at: Int, _ n: Int) -> Int? {
        guard at + n <= t.count else { return nil }
        var v = 0
        for i in at..<(at + n) {
            guard let h = hex(t[i]) else { return nil }
            v = v * 16 + h
        }
        return v
    }
}

extension DC1Error {
    /// This error as it may leave the library: message and every member of the document
    /// redacted. The document is rebuilt from its redacted serialisation (a redaction never
    /// touches JSON syntax: "[redacted]" holds no quote or backslash, and a match starts and
    /// ends on whole characters or escapes).
    public func redacted(by r: Redactor) -> DC1Error {
        guard r.isActive else { return self }
        var e = self
        e.message = r.redact(message)
        e.requestID = requestID.map { r.redact($0) }
        e.details = details.map { (k, v) in
            let text = v.dumpBytes()
            guard let red = r.redactBytes(text), let parsed = try? JSON.parse(red) else { return (r.redact(k), v) }
            return (r.redact(k), parsed)
        }
        return e
    }
}
