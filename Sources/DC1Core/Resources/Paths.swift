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
            let ok =
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
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
            let unreserved =
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || c == 45 || c == 46 || c == 95 || c == 126
            if unreserved {
                out.unicodeScalars.append(UnicodeScalar(c))
            } else {
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
