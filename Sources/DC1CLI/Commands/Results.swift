import DC1Core

/// Showing or saving a job's output (the core's one output shape, include/dc1.h), shared by
/// `output` and `submit --wait`.
enum Results {
    /// Prints (or with `save`, writes) an output document. Returns the document --json prints:
    /// the output itself, or when saved {"job_id","kind","path","bytes",…} without the image data.
    @discardableResult
    static func present(_ ctx: Context, _ out: JSON, save: String?) throws -> JSON {
        let c = ctx.console
        let jobID = out.string("job_id") ?? "?"
        let kind = out.string("kind") ?? "?"
        if out.bool("truncated") ?? false {
            c.err(
                "dc1: warning: the server flagged job \(jobID)'s output as truncated or corrupted (HTTP 206)"
                    + (out.string("warning").map { ": \($0)" } ?? ""))
        }

        if let path = save {
            let bytes: [UInt8]
            switch kind {
            case "image":
                bytes = try Output.imageBytes(out)  // decoded and checked by the core
            case "endpoint", "empty":
                throw DC1Error(.invalidArgument, "job \(jobID) has no output to save (kind \(kind))")
            default:
                bytes = Array(text(out).utf8) + (text(out).hasSuffix("\n") ? [] : [10])
            }
            try FileIO.write(bytes, to: path)
            let r = JSON.object()
            r.set("job_id", jobID)
            r.set("kind", kind)
            r.set("path", path)
            r.set("bytes", bytes.count)
            for k in ["width", "height", "format", "truncated", "actual_cost_halala", "actual_cost_sar"] {
                if let v = out[k] { r.set(k, v) }
            }
            if ctx.json {
                c.outJSON(r)
            } else if path != "-" {
                var what = kind == "image" ? "image" : "output"
                if kind == "image", let w = out.int("width"), let h = out.int("height") {
                    what += " \(w)×\(h) \(out.string("format") ?? "png")"
                }
                c.out("Saved \(what) to \(path) (\(bytes.count) bytes)")
            }
            return r
        }

        if ctx.json { c.outJSON(out); return out }
        switch kind {
        case "image":
            var what = "image"
            if let w = out.int("width"), let h = out.int("height") { what += " \(w)×\(h)" }
            // The size --save will write: the decoded length, not the server's estimate.
            let n = out.string("image_base64").map(decodedLength) ?? out.int("image_bytes") ?? 0
            c.out(
                "Job \(jobID) produced an \(what) \(out.string("format") ?? "png") (\(n) bytes); "
                    + "save it with: dc1 output \(jobID) --save FILE.png")
        case "endpoint":
            c.out(
                "Job \(jobID) is serving at \(out.string("endpoint_url") ?? "?")"
                    + (out.string("model").map { " (model \($0))" } ?? ""))
        case "empty":
            c.out("Job \(jobID) completed with no output.")
        case "json":
            let t = text(out)
            if !t.isEmpty { c.outText(t) }
            if let r = out["result_json"] { c.out(r.dump()) }
        default:
            c.outText(text(out))
        }
        return out
    }

    /// `--save FILE` straight from the server: an image is decoded to FILE while it downloads
    /// (dc1_job_save_image's streaming path: the base64 is never held in memory); any other
    /// output is written as `present` writes it. Returns the document --json prints.
    @discardableResult
    static func save(_ ctx: Context, _ client: Session, _ jobID: String, to path: String) throws -> JSON {
        if path == "-" { return try present(ctx, try client.output.output(jobID), save: path) }
        switch try client.output.saveOutput(jobID, path: path) {
        case .notImage(let out):
            return try present(ctx, out, save: path)
        case .image(let r):
            if ctx.json {
                ctx.console.outJSON(r)
            } else {
                var what = "image"
                if let w = r.int("width"), let h = r.int("height") {
                    what += " \(w)×\(h) \(r.string("format") ?? "png")"
                }
                ctx.console.out("Saved \(what) to \(path) (\(r.int("bytes") ?? 0) bytes)")
            }
            return r
        }
    }

    static func text(_ out: JSON) -> String {
        out.string("text") ?? out.string("stdout") ?? out["result_json"]?.dump() ?? ""
    }

    /// "0.09 SAR (9 halala)" from the output's billing, else the job document.
    static func cost(output: JSON?, job: JSON?) -> String? {
        if let h = output?.int("actual_cost_halala") { return Format.money(halala: h) }
        if let job { return Format.cost(job) }
        return nil
    }

    /// How many bytes a base64 text decodes to (whitespace ignored, padding subtracted).
    static func decodedLength(_ b64: String) -> Int {
        var chars = 0
        var pad = 0
        for c in b64.utf8 where c != 32 && c != 10 && c != 13 && c != 9 {
            chars += 1
            if c == UInt8(ascii: "=") { pad += 1 }
        }
        return chars / 4 * 3 - pad
    }
}
