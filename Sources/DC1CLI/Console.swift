import DC1Core
import Glibc

/// Everything the CLI writes goes through here: results to stdout, messages and progress to
/// stderr. Every line is checked for the API key and redacted (belt and braces: the core
/// already keeps the key out of its messages, but a server could echo it back in a body).
/// A lock serialises writers, since core log messages may arrive from inside a call while
/// the progress line is drawn. Lines go straight to the file descriptors with write(2): no
/// stdio buffers to flush, and nothing left unwritten when the process exits.
final class Console: @unchecked Sendable {
    let json: Bool
    /// The spinner and \r redraws only when stderr, where progress goes, is a terminal.
    let interactive: Bool
    private let lock = Lock()
    private var secrets: [String] = []
    private var statusLineShown = false

    init(json: Bool) {
        self.json = json
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        interactive = isatty(2) != 0 && term != "dumb"
    }

    /// Adds a key to redact from all output (ignored when too short to be a key). The core's
    /// Redactor does the matching, so the key is also found JSON-escaped, percent-encoded, as
    /// HTML references or cut short, as in the library's own error documents.
    func addSecret(_ key: String?) {
        guard let key, key.utf8.count >= 6, let secret = SecretKey(key) else { return }
        lock.withLock {
            if !secrets.contains(key) { secrets.append(key); redactors.append(Redactor(key: secret)) }
        }
    }

    private var redactors: [Redactor] = []

    private func redact(_ s: String) -> String {
        var s = s
        for r in redactors { s = r.redact(s) }
        return s
    }

    /// A result line on stdout.
    func out(_ s: String = "") {
        lock.withLock {
            clearStatusLocked()
            put(1, redact(s) + "\n")
        }
    }

    /// Text on stdout as is, plus a newline unless it already ends with one.
    func outText(_ s: String) {
        lock.withLock {
            clearStatusLocked()
            let r = redact(s)
            put(1, r.hasSuffix("\n") || r.isEmpty ? r : r + "\n")
        }
    }

    /// Text on stdout exactly as is (streamed tokens).
    func outRaw(_ s: String) {
        lock.withLock {
            clearStatusLocked()
            put(1, redact(s))
        }
    }

    /// One JSON document on one line of stdout (--json).
    func outJSON(_ j: JSON) { out(j.dump()) }

    /// A message on stderr.
    func err(_ s: String) {
        lock.withLock {
            clearStatusLocked()
            put(2, redact(s) + "\n")
        }
    }

    /// Redraws the one-line progress display on stderr (interactive only).
    func status(_ s: String) {
        lock.withLock {
            guard interactive else { return }
            put(2, "\r\u{1B}[K" + redact(s))
            statusLineShown = true
        }
    }

    func clearStatus() { lock.withLock { clearStatusLocked() } }

    private func clearStatusLocked() {
        if statusLineShown {
            put(2, "\r\u{1B}[K")
            statusLineShown = false
        }
    }

    /// Clears the progress line (output is unbuffered, so nothing else is pending).
    func flush() { clearStatus() }

    /// Writes all of `s` to `fd`, retrying short writes and EINTR.
    private func put(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { buf in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }

    /// A table with left-aligned columns (right-aligned where `right` says so).
    func table(_ header: [String], _ rows: [[String]], right: Set<Int> = []) {
        var widths = header.map { $0.count }
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                let isLast = i == cells.count - 1
                s += right.contains(i) ? pad + c : (isLast ? c : c + pad)
                if !isLast { s += "  " }
            }
            return s
        }
        out(line(header))
        for r in rows { out(line(r)) }
    }
}

/// Formatting helpers for friendly output.
enum Format {
    /// 955 → "9.55 SAR".
    static func sar(halala: Int) -> String {
        let neg = halala < 0
        let a = neg ? -halala : halala
        let c = a % 100
        return (neg ? "-" : "") + "\(a / 100).\(c < 10 ? "0" : "")\(c) SAR"
    }

    /// "9.55 SAR (955 halala)".
    static func money(halala: Int) -> String { "\(sar(halala: halala)) (\(halala) halala)" }

    /// "2026-11-29T05:00:03.120Z" → "2026-11-29 05:00:03".
    static func time(_ s: String?) -> String {
        guard let s, s.count >= 19 else { return s ?? "-" }
        return String(s.prefix(19)).replacing("T", with: " ")
    }

    /// "…T05:00:03.120Z" → "05:00:03".
    static func clock(_ s: String?) -> String {
        guard let s, s.count >= 19 else { return s ?? "" }
        return String(s.dropFirst(11).prefix(8))
    }

    static func seconds(_ ms: Int64) -> String {
        let s = ms / 1000
        return s < 60 ? "\(s)s" : "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s"
    }

    /// A scalar JSON value as plain text.
    static func scalar(_ v: JSON?) -> String {
        guard let v, !v.isNull else { return "-" }
        if let s = v.stringValue { return s }
        if let i = v.intValue, v.isInteger { return String(i) }
        if let b = v.boolValue { return b ? "yes" : "no" }
        if let d = v.doubleValue { return trimNumber(d) }
        return v.dump()
    }

    /// The cost of a job document: what was charged (the core's `cost_halala`: settled once
    /// terminal, the held quote before, marked so).
    static func cost(_ job: JSON) -> String? {
        guard let h = job.int("cost_halala") else { return nil }
        return money(halala: h) + (job.bool("terminal") == false ? " held (quoted)" : "")
    }
}
