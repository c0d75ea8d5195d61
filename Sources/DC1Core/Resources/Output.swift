import Glibc

/// GET /api/jobs/{id}/output (§8.3) in one documented shape for every job type.
extension CoreClient {
    public func output(_ id: String?) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        let (req, resp) = try fetchOutput(jobID)
        return try interpretOutput(jobID, req, resp)
    }

    private func fetchOutput(_ jobID: String) throws(DC1Error) -> (HTTPRequest, HTTPResponse) {
        var req = HTTPRequest(method: "GET", path: "/api/jobs/" + jobID + "/output")
        req.accept = "application/json"     // §16.8: without it an image comes back as raw PNG
        return (req, try send(req, accept: [202, 204, 206, 410]))
    }

    private func interpretOutput(_ jobID: String, _ req: HTTPRequest, _ resp: HTTPResponse) throws(DC1Error) -> JSON {
        switch resp.status {
        case 204:
            let out = base(jobID, kind: "empty")
            return out
        case 202:
            // §8.3: a serving vllm_serve job stays 202; its endpoint is on the job row.
            let progress = resp.json()
            if let job = try? job(jobID), let url = job.string("endpoint_url"), !url.isEmpty,
               !JobStatus.isTerminal(job.string("status")) {
                let out = base(jobID, kind: "endpoint")
                out.set("status", job.string("status") ?? "running")
                out.set("endpoint_url", url)
                if let m = job.string("model") { out.set("model", m) }
                return out
            }
            var e = DC1Error(.notReady, "job \(jobID) has no output yet"
                + (progress?.string("status").map { " (status \($0)" + (progress?.string("message").map { ": \($0))" } ?? ")") } ?? ""))
            ErrorMapping.decorate(&e, resp, progress)
            throw e
        case 410:
            let body = resp.json()
            let reason = body?.string("error") ?? "the job failed"
            let cancelled = body?.string("status") == "cancelled" || reason.lowercased().contains("cancel")
            var e = DC1Error(cancelled ? .jobCancelled : .jobFailed, "job \(jobID) \(cancelled ? "was cancelled" : "failed"): \(reason)"
                + ((body?.bool("refunded") ?? false) ? " (refunded)" : ""))
            ErrorMapping.decorate(&e, resp, body)
            throw e
        default:
            let doc = try parseJSONBody(resp, req)
            return try OutputShape.normalise(doc, jobID: jobID, truncated: resp.status == 206)
        }
    }

    private func base(_ jobID: String, kind: String) -> JSON {
        let o = JSON.object()
        o.set("job_id", jobID)
        o.set("status", "completed")
        o.set("kind", kind)
        o.set("truncated", false)
        return o
    }

    /// Decodes an image output and writes it to `path` through a temporary file and rename,
    /// so a failure never leaves a half-written image under the final name.
    public func saveImage(_ id: String?, path: String?) throws(DC1Error) -> JSON {
        guard let path, !path.isEmpty else { throw .invalid("path is NULL or empty") }
        let jobID = try Paths.jobID(id)
        var (req, resp) = try fetchOutput(jobID)
        // Fast path for the usual 200 image body: decode the base64 in place, inside the
        // response buffer (the decoded bytes are shorter, so writing behind the reading position
        // is safe), and write that slice to the file. Parsing a multi-megabyte string with
        // jansson costs ~140 instructions a byte and two more copies (BENCHMARKS.md §3).
        if resp.status == 200, let image = ImageBody.split(resp.body) {
            var body = resp.body
            resp.body = []                       // `body` is now the only reference: no copy
            let decoded: Int? = body.withUnsafeMutableBytes { all in
                Base64.decodeInPlace(UnsafeMutableRawBufferPointer(rebasing: all[image.base64]))
            }
            guard let n = decoded else { throw DC1Error(.protocolError, "job \(jobID) image_base64 is not valid base64") }
            let failure: DC1Error? = body.withUnsafeBytes { all in
                let image = UnsafeRawBufferPointer(rebasing: all[image.base64.lowerBound..<(image.base64.lowerBound + n)])
                do throws(DC1Error) { try writeFileAtomically(image, to: path); return nil } catch { return error }
            }
            if let failure { throw failure }
            let r = JSON.object()
            r.set("path", path)
            r.set("bytes", n)
            for k in ["width", "height", "format"] { if let v = image.metadata[k] { r.set(k, v) } }
            if !r.has("format") { r.set("format", "png") }
            r.set("truncated", false)
            return r
        }
        let out = try interpretOutput(jobID, req, resp)
        guard out.string("kind") == "image" else {
            throw DC1Error(.protocolError, "job \(jobID) output is \(out.string("kind") ?? "?"), not an image")
        }
        guard let b64 = out.string("image_base64") else {
            var e = DC1Error(.protocolError, "job \(jobID) image output has no image data"
                + ((out.bool("truncated") ?? false) ? " (the server flagged it truncated, HTTP 206)" : ""))
            e.setDetail("output", out)
            throw e
        }
        guard let bytes = Base64.decode(b64.utf8) else {
            throw DC1Error(.protocolError, "job \(jobID) image_base64 is not valid base64")
        }
        let failure: DC1Error? = bytes.withUnsafeBytes { b in
            do throws(DC1Error) { try writeFileAtomically(b, to: path); return nil } catch { return error }
        }
        if let failure { throw failure }
        let r = JSON.object()
        r.set("path", path)
        r.set("bytes", bytes.count)
        for k in ["width", "height", "format", "truncated"] { if let v = out[k] { r.set(k, v) } }
        return r
    }

    /// Writes through a temporary file and a rename, so a failure never leaves a half-written
    /// file under the final name.
    private func writeFileAtomically(_ buf: UnsafeRawBufferPointer, to path: String) throws(DC1Error) {
        let tmp = path + ".dc1tmp-\(Random.hex(bytes: 4))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DC1Error(.io, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var written = 0
        var ok = true
        while written < buf.count {
            let n = write(fd, buf.baseAddress! + written, buf.count - written)
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            written += n
        }
        let err = errno
        let closed = close(fd) == 0
        guard ok, closed else {
            unlink(tmp)
            throw DC1Error(.io, "cannot write \(path): \(String(cString: strerror(ok ? errno : err)))")
        }
        guard rename(tmp, path) == 0 else {
            let m = String(cString: strerror(errno))
            unlink(tmp)
            throw DC1Error(.io, "cannot rename the image into \(path): \(m)")
        }
    }
}

/// Splits a §8.3 image body into its base64 text (a range of the raw bytes) and the rest,
/// parsed as JSON without the big string. Returns nil when the body is not the plain shape
/// (no image_base64, an escaped character inside it, not an image type): the caller then
/// takes the general path.
enum ImageBody {
    struct Parts { let base64: Range<Int>; let metadata: JSON }

    static func split(_ body: [UInt8]) -> Parts? {
        let key = Array("\"image_base64\"".utf8)
        guard let k = Bytes.firstIndex(of: key, in: body) else { return nil }
        var i = k + key.count
        while i < body.count, body[i] == 32 || body[i] == 9 || body[i] == 10 || body[i] == 13 { i += 1 }
        guard i < body.count, body[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        while i < body.count, body[i] == 32 || body[i] == 9 || body[i] == 10 || body[i] == 13 { i += 1 }
        guard i < body.count, body[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        // memchr: the string is megabytes long.
        let found: (Int?, Bool) = body.withUnsafeBytes { all in
            let from = all.baseAddress! + start
            guard let q = memchr(from, 0x22, all.count - start) else { return (nil, false) }
            let len = UnsafeRawPointer(q) - from
            return (start + len, memchr(from, 0x5C, len) != nil)
        }
        guard let end = found.0, !found.1 else { return nil }
        var rest = Array(body[..<start])
        rest.append(contentsOf: body[end...])
        guard let meta = try? JSON.parse(rest), meta.isObject, meta.string("type") == "image" else { return nil }
        return Parts(base64: start..<end, metadata: meta)
    }
}

/// The output variants of §8.3 folded into one shape.
enum OutputShape {
    static func normalise(_ doc: JSON, jobID: String, truncated: Bool) throws(DC1Error) -> JSON {
        guard doc.isObject else { throw DC1Error(.protocolError, "job output is not a JSON object") }
        let out = JSON.object()
        out.set("job_id", jobID)
        out.set("status", "completed")
        out.set("truncated", truncated)
        if let billing = doc["billing"], billing.isObject {
            out.set("billing", billing)
            if let a = billing.int("actual_cost_halala") {
                out.set("actual_cost_halala", a)
                out.set("actual_cost_sar", Money.sar(a))    // a number, as every *_sar
            }
        }
        let type = doc.string("type")
        if type == "image" || doc.has("image_base64") {
            out.set("kind", "image")
            for k in ["image_base64", "format", "width", "height", "image_bytes", "prompt", "model", "seed",
                      "gen_time_s", "total_time_s", "device", "expected_dimensions", "base64_length", "decoded_bytes"] {
                if let v = doc[k] { out.set(k, v) }
            }
            if !out.has("image_base64"), let d = doc.string("data") { out.set("image_base64", d) }   // OpenAPI's name
            if !out.has("format") { out.set("format", "png") }
            if truncated, let m = doc.string("error") { out.set("warning", m) }
            return out
        }
        if let response = doc.string("response") {
            out.set("kind", "text")
            setText(out, response)
            for k in ["tokens_generated", "tokens_per_second", "model", "prompt", "gen_time_s", "total_time_s", "device"] {
                if let v = doc[k] { out.set(k, v) }
            }
            return out
        }
        if let raw = doc.string("result") {
            out.set("stdout", raw)
            if let parsed = resultJSON(raw) {
                out.set("result_json", parsed)
                if let url = parsed.string("endpoint_url") { out.set("endpoint_url", url) }
                // A script that printed the text shape gets the text fields too.
                if let r = parsed.string("response") {
                    out.set("kind", "text")
                    setText(out, r)
                    for k in ["tokens_generated", "tokens_per_second", "model", "prompt"] { if let v = parsed[k] { out.set(k, v) } }
                } else {
                    out.set("kind", "json")
                    setText(out, stripMarker(raw))
                }
            } else {
                out.set("kind", "raw")
                setText(out, raw)
            }
            return out
        }
        // Unknown variant: keep everything the server sent.
        out.set("kind", "json")
        out.set("result_json", doc)
        return out
    }

    private static func setText(_ out: JSON, _ s: String) {
        out.set("text", s)
        out.set("response", s)
        out.set("output", s)
    }

    /// §8.3 rule 1: the object after the last "DC1_RESULT_JSON:" that runs to the end; else
    /// a result that is itself a JSON object.
    static func resultJSON(_ raw: String) -> JSON? {
        let u = Array(raw.utf8)
        let marker = Array("DC1_RESULT_JSON:".utf8)
        if let i = Bytes.lastIndex(of: marker, in: u) {
            let rest = String(decoding: u[(i + marker.count)...], as: UTF8.self).trimmingSpaces
            if let j = try? JSON.parse(rest), j.isObject { return j }
        }
        let t = raw.trimmingSpaces
        if t.hasPrefix("{"), let j = try? JSON.parse(t), j.isObject { return j }
        return nil
    }

    /// The stdout without the final marker line, as the script's human-readable text.
    static func stripMarker(_ raw: String) -> String {
        let u = Array(raw.utf8)
        guard let i = Bytes.lastIndex(of: Array("DC1_RESULT_JSON:".utf8), in: u) else { return raw }
        return String(decoding: u[..<i], as: UTF8.self).trimmingSpaces
    }
}
