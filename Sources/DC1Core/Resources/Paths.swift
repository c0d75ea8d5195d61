/// Building request paths from caller input without ever changing the route.
enum Paths {
    /// Job ids are opaque strings (§1.5: "job-<ms>-<suffix>", "chatcmpl-…", row ids). Only
    /// characters that need no escaping are accepted, so an id can never add a path segment,
    /// a query or a fragment.
    static func jobID(_ raw: String?) throws(DC1Error) -> String {
        guard let id = raw else { throw .invalid("job_id is NULL") }
        if id.isEmpty { throw .invalid("job_id is empty") }
        if id.utf8.count > 256 { throw .invalid("job_id is longer than 256 bytes") }
        if id == "." || id == ".." { throw .invalid("job_id \"\(id)\" is not a job id") }
        for c in id.utf8 {
            let ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
            if !ok {
                throw .invalid("job_id holds a character not allowed in a job id (only letters, digits and - _ . : @)")
            }
        }
        return id
    }

    static func job(_ id: String, _ suffix: String = "") throws(DC1Error) -> String {
        "/api/jobs/" + (try jobID(id)) + suffix
    }

    /// Percent-encodes a query value.
    static func queryValue(_ s: String) -> String {
        var out = ""
        for c in s.utf8 {
            let unreserved = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || c == 45 || c == 46 || c == 95 || c == 126
            if unreserved { out.unicodeScalars.append(UnicodeScalar(c)) }
            else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(c >> 4)], hex[Int(c & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    /// A caller-supplied route for dc1_request: must be a path, not a URL, with no CR/LF or spaces.
    static func route(_ p: String?) throws(DC1Error) -> String {
        guard let p else { throw .invalid("path is NULL") }
        guard p.hasPrefix("/") else { throw .invalid("path must start with \"/\"") }
        if p.hasPrefix("//") || p.contains("://") { throw .invalid("path must be a path on base_url, not a URL") }
        if p.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw .invalid("path holds spaces or control characters")
        }
        if p.utf8.count > 8192 { throw .invalid("path is longer than 8192 bytes") }
        return p
    }
}

/// Reading the small option documents of the job calls.
struct Opts {
    let json: JSON?
    let what: String

    init(_ json: JSON?, _ what: String, allowed: Set<String>) throws(DC1Error) {
        self.json = json
        self.what = what
        if let json {
            guard json.isObject else { throw .invalid("\(what) must be a JSON object, got \(json.typeName)") }
            for k in json.keys where !allowed.contains(k) { throw .invalid("\(what): unknown key \"\(k)\"") }
        }
    }

    func int(_ k: String, _ range: ClosedRange<Int>) throws(DC1Error) -> Int? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let i = v.intValue, range.contains(i) else {
            throw .invalid("\(what): \(k) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }
    func bool(_ k: String) throws(DC1Error) -> Bool? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let b = v.boolValue else { throw .invalid("\(what): \(k) must be a boolean") }
        return b
    }
    func double(_ k: String) throws(DC1Error) -> Double? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw .invalid("\(what): \(k) must be a number") }
        return d
    }
    func string(_ k: String) throws(DC1Error) -> String? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw .invalid("\(what): \(k) must be a string") }
        return s
    }
}

/// Money is integer halala (§1.5); SAR strings are formatted on the client.
enum Money {
    static func sarString(_ halala: Int) -> String {
        let neg = halala < 0
        let a = neg ? -halala : halala
        let cents = a % 100
        return (neg ? "-" : "") + "\(a / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }
    static func sar(_ halala: Int) -> Double { Double(halala) / 100 }
}
