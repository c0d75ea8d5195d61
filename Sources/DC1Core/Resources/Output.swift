import Glibc

/// GET /api/jobs/{id}/output (§8.3) in one documented shape for every job type.
public struct Output: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    public func output(_ id: String?) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        let (req, resp) = try fetchOutput(jobID)
        return try interpretOutput(jobID, req, resp)
    }

    private func fetchOutput(_ jobID: String) throws(DC1Error) -> (HTTPRequest, HTTPResponse) {
        var req = HTTPRequest(method: "GET", path: "/api/jobs/" + jobID + "/output")
        req.accept = "application/json"  // §16.8: without it an image comes back as raw PNG
        return (req, try session.send(req, accept: [202, 204, 206, 410]))
    }

    private func interpretOutput(_ jobID: String, _ req: HTTPRequest, _ resp: HTTPResponse) throws(DC1Error) -> JSON {
        switch resp.status {
        case 204:
            let out = base(jobID, kind: "empty")
            return out
        case 202:
            // §8.3: a serving vllm_serve job stays 202; its endpoint is on the job row.
            let progress = resp.json()
            if let job = try? session.jobs.job(jobID), let out = servingEndpoint(jobID, job) { return out }
            var e = DC1Error(
                .notReady,
                "job \(jobID) has no output yet"
                    + (progress?.string("status").map {
                        " (status \($0)" + (progress?.string("message").map { ": \($0))" } ?? ")")
                    } ?? ""))
            ErrorMapping.decorate(&e, resp, progress)
            throw e
        case 410:
            let body = resp.json()
            let reason = body?.string("error") ?? "the job failed"
            let cancelled = body?.string("status") == "cancelled" || reason.lowercased().contains("cancel")
            var e = DC1Error(
                cancelled ? .jobCancelled : .jobFailed,
                "job \(jobID) \(cancelled ? "was cancelled" : "failed"): \(reason)"
                    + ((body?.bool("refunded") ?? false) ? " (refunded)" : ""))
            ErrorMapping.decorate(&e, resp, body)
            throw e
        default:
            let doc = try session.parseJSONBody(resp, req)
            return try OutputShape.normalise(doc, jobID: jobID, truncated: resp.status == 206)
        }
    }

    /// The output of a vllm_serve job that is serving (not terminal, with an endpoint_url),
    /// built from its job document: kind "endpoint", the job's live status. nil otherwise.
    func servingEndpoint(_ jobID: String, _ job: JSON) -> JSON? {
        guard let url = job.string("endpoint_url"), !url.isEmpty, !JobStatus.isTerminal(job.string("status")) else {
            return nil
        }
        let out = base(jobID, kind: "endpoint")
        out.set("status", job.string("status") ?? "running")
        out.set("endpoint_url", url)
        JobDocuments.setOpenAIBaseURL(out)
        if let m = job.string("model") { out.set("model", m) }
        return out
    }

    private func base(_ jobID: String, kind: String) -> JSON {
        let o = JSON.object()
        o.set("job_id", jobID)
        o.set("status", "completed")
        o.set("kind", kind)
        o.set("truncated", false)
        return o
    }

    /// What saving an output produced: the image file, or (not an image) the output document.
    public enum SavedOutput {
        case image(JSON)
        case notImage(JSON)
    }

    /// Decodes an image output to `path` while it downloads (ImageStreamSink): the file appears
    /// under its name only once the body was complete, its base64 valid and its first bytes a
    /// PNG, JPEG or WebP image. Throws when the output is not an image.
    public func saveImage(_ id: String?, path: String?) throws(DC1Error) -> JSON {
        let jobID = try Paths.jobID(id)
        switch try saveOutput(jobID, path: path) {
        case .image(let r): return r
        case .notImage(let out):
            throw DC1Error(.protocolError, "job \(jobID) output is \(out.string("kind") ?? "?"), not an image")
        }
    }

    /// saveImage, but an output that is not an image comes back as its dc1_job_output document
    /// (the CLI's --save writes text outputs itself) instead of an error.
    public func saveOutput(_ id: String?, path: String?) throws(DC1Error) -> SavedOutput {
        guard let path, !path.isEmpty else { throw .invalid("path is NULL or empty") }
        let jobID = try Paths.jobID(id)
        var req = HTTPRequest(method: "GET", path: "/api/jobs/" + jobID + "/output")
        req.accept = "application/json"  // §16.8: without it an image comes back as raw PNG
        let sink = ImageStreamSink(path: path, jobID: jobID)
        defer { sink.discard() }
        let resp = try session.send(req, accept: [202, 204, 206, 410], filter: sink)
        if let failure = sink.failure { throw failure }
        if sink.streamed {
            // `resp.body` is the document with "image_base64":"": check its shape like
            // dc1_job_output does, then the image, then rename it into place.
            let doc = try session.parseJSONBody(resp, req)
            let out = try OutputShape.normalise(doc, jobID: jobID, truncated: false)
            try sink.finish()
            try sink.commit()
            let r = JSON.object()
            r.set("path", path)
            r.set("bytes", sink.decodedBytes)
            for k in ["width", "height", "format"] { if let v = out[k] { r.set(k, v) } }
            r.set("truncated", false)
            Self.addSaveContext(r, out)
            return .image(r)
        }
        // Not decoded on the way (an error, a 202/204/206/410, a text output, an escaped
        // key…): the whole body is in `resp`, as for dc1_job_output.
        let out = try interpretOutput(jobID, req, resp)
        guard out.string("kind") == "image" else { return .notImage(out) }
        guard let b64 = out.string("image_base64") else {
            var e = DC1Error(
                .protocolError,
                "job \(jobID) image output has no image data"
                    + ((out.bool("truncated") ?? false) ? " (the server flagged it truncated, HTTP 206)" : ""))
            e.setDetail("output", out)
            throw e
        }
        guard let bytes = Base64.decode(b64.utf8) else {
            throw DC1Error(.protocolError, "job \(jobID) image_base64 is not valid base64")
        }
        let failure: DC1Error? = bytes.withUnsafeBytes { b in
            do throws(DC1Error) {
                try ImageMagic.check(UnsafeRawBufferPointer(rebasing: b.prefix(16)), jobID: jobID)
                try Files.writeAtomically(path, b)
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
        let r = JSON.object()
        r.set("path", path)
        r.set("bytes", bytes.count)
        for k in ["width", "height", "format", "truncated"] { if let v = out[k] { r.set(k, v) } }
        Self.addSaveContext(r, out)
        return .image(r)
    }

    /// The bytes of an image output document already fetched (dc1_job_output's shape),
    /// decoded and checked to be a PNG, JPEG or WebP image: what a caller writes somewhere
    /// other than a file (standard output, a notebook).
    public static func imageBytes(_ out: JSON) throws(DC1Error) -> [UInt8] {
        let jobID = out.string("job_id") ?? "?"
        guard out.string("kind") == "image", let b64 = out.string("image_base64") else {
            var e = DC1Error(.protocolError, "job \(jobID)'s output has no image data")
            e.setDetail("output", out)
            throw e
        }
        guard let bytes = Base64.decode(b64.utf8) else {
            throw DC1Error(.protocolError, "job \(jobID) image_base64 is not valid base64")
        }
        if let e = bytes.withUnsafeBytes({ b in
            Files.failure { () throws(DC1Error) in
                try ImageMagic.check(UnsafeRawBufferPointer(rebasing: b.prefix(16)), jobID: jobID)
            }
        }) {
            throw e
        }
        return bytes
    }

    /// Whether a file can be created at `path`: its folder exists and is writable. Checked
    /// before paying for a job whose output is to be saved there.
    public static func checkSavePath(_ path: String) throws(DC1Error) {
        let dir = Files.directory(of: path)
        var st = stat()
        guard stat(dir, &st) == 0 else {
            throw DC1Error(.invalidArgument, "cannot save to \(path): the folder \(dir) does not exist")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw DC1Error(.invalidArgument, "cannot save to \(path): \(dir) is not a folder")
        }
        guard access(dir, W_OK) == 0 else {
            throw DC1Error(.invalidArgument, "cannot save to \(path): the folder \(dir) is not writable")
        }
    }

    /// The job and its cost, for callers that report what they saved (the CLI).
    private static func addSaveContext(_ r: JSON, _ out: JSON) {
        r.set("job_id", out["job_id"] ?? .null())
        r.set("kind", "image")
        for k in ["actual_cost_halala", "actual_cost_sar"] { if let v = out[k] { r.set(k, v) } }
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
        let fields = Fields(jobID: jobID)
        if let billing = doc["billing"], !billing.isNull {
            guard billing.isObject else { throw fields.wrong("billing", billing, "an object") }
            out.set("billing", billing)
            if let v = billing["actual_cost_halala"], !v.isNull, !v.isNumber {
                throw fields.wrong("billing.actual_cost_halala", v, "a number")
            }
            if let a = billing.int("actual_cost_halala") {
                out.set("actual_cost_halala", a)
                out.set("actual_cost_sar", Money.sar(a))  // a number, as every *_sar
            }
        }
        let type = doc.string("type")
        if type == "image" || doc.has("image_base64") {
            out.set("kind", "image")
            if let v = doc["image_base64"], !(v.isString || (truncated && v.isNull)) {
                throw fields.wrong("image_base64", v, "a string")
            }
            try fields.copy(
                doc, to: out,
                [
                    ("image_base64", .any), ("format", .string), ("width", .integer),
                    ("height", .integer), ("image_bytes", .integer), ("prompt", .string), ("model", .string),
                    ("seed", .integer), ("gen_time_s", .number), ("total_time_s", .number), ("device", .string),
                    ("expected_dimensions", .string), ("base64_length", .integer), ("decoded_bytes", .integer),
                ])
            if !out.has("image_base64"), let d = doc["data"] {  // OpenAPI's name
                guard d.isString else { throw fields.wrong("data", d, "a string") }
                out.set("image_base64", d)
            }
            if !out.has("format") || out["format"]?.isNull == true { out.set("format", "png") }
            if truncated, let m = doc.string("error") { out.set("warning", m) }
            return out
        }
        for k in ["response", "result"] {
            if let v = doc[k], !v.isString, !v.isNull { throw fields.wrong(k, v, "a string") }
        }
        if let response = doc.string("response") {
            out.set("kind", "text")
            setText(out, response)
            try fields.copy(doc, to: out, textFields)
            return out
        }
        if let raw = doc.string("result") {
            out.set("stdout", raw)
            if let parsed = resultJSON(raw) {
                out.set("result_json", parsed)
                if let url = parsed.string("endpoint_url") {
                    out.set("endpoint_url", url)
                    JobDocuments.setOpenAIBaseURL(out)
                }
                // A script that printed the text shape gets the text fields too.
                if let r = parsed.string("response") {
                    out.set("kind", "text")
                    setText(out, r)
                    try fields.copy(parsed, to: out, Array(textFields.prefix(4)), prefix: "result_json.")
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

    static let textFields: [(String, Fields.Kind)] = [
        ("tokens_generated", .integer), ("tokens_per_second", .number),
        ("model", .string), ("prompt", .string), ("gen_time_s", .number), ("total_time_s", .number),
        ("device", .string),
    ]

    /// The documented type of each output field (include/dc1.h): a server that sends another
    /// (an array for image_base64, a string for width) gets DC1_E_PROTOCOL naming the field
    /// rather than a document of the wrong shape. null is passed on as null.
    struct Fields {
        enum Kind { case any, string, integer, number, numberOrString }
        let jobID: String

        func wrong(_ name: String, _ v: JSON, _ want: String) -> DC1Error {
            DC1Error(.protocolError, "job \(jobID) output: \"\(name)\" is \(article(v.typeName)), not \(want)")
        }

        private func article(_ t: String) -> String {
            t == "null" ? "null" : (("aeiou".contains(t.first ?? "x") ? "an " : "a ") + t)
        }

        func copy(_ doc: JSON, to out: JSON, _ fields: [(String, Kind)], prefix: String = "") throws(DC1Error) {
            for (k, kind) in fields {
                guard let v = doc[k] else { continue }
                if !v.isNull {
                    switch kind {
                    case .any: break
                    case .string: if !v.isString { throw wrong(prefix + k, v, "a string") }
                    case .integer: if !v.isInteger { throw wrong(prefix + k, v, "an integer") }
                    case .number: if !v.isNumber { throw wrong(prefix + k, v, "a number") }
                    case .numberOrString: if !v.isNumber && !v.isString { throw wrong(prefix + k, v, "a number") }
                    }
                }
                out.set(k, v)
            }
        }
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
