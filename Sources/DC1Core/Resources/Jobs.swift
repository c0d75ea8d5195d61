/// Job reads and control (§5, §8, §9).
public enum JobStatus {
    /// §5.1: the terminal statuses for a client (the legacy three included), each with how it
    /// ended. The one table: "terminal" and "outcome" both read it.
    static let outcomes: [String: String] = [
        "completed": "succeeded", "done": "succeeded", "cancelled": "cancelled",
        "failed": "failed", "permanently_failed": "failed", "timed_out": "failed",
    ]
    public static func isTerminal(_ s: String?) -> Bool { outcome(s) != nil }

    /// How a terminal status ended: "succeeded" (completed, done), "cancelled", or "failed"
    /// (failed, permanently_failed, timed_out); nil while the job runs.
    public static func outcome(_ s: String?) -> String? { s.flatMap { outcomes[$0] } }

    /// Adds "terminal" and "outcome" to a document with a "status" (job, status, history row).
    static func mark(_ doc: JSON) {
        let s = doc.string("status")
        doc.set("terminal", isTerminal(s))
        doc.set("outcome", outcome(s))
    }
}

enum JobDocuments {
    /// The job document of the header: the row with JSON-string columns parsed and the bulky
    /// columns removed (§5.3, §16.20), plus "terminal" and "cost_sar".
    /// Changes `row` in place (callers pass a document they own) and returns it.
    static func normaliseJob(_ row: JSON) -> JSON {
        let j = row
        for k in ["result", "logs_jsonl", "task_spec", "task_spec_hmac"] { j.remove(k) }
        for k in ["container_spec", "gpu_rate_snapshot", "gpu_requirements"] {
            if let s = j.string(k), let parsed = try? JSON.parse(s), parsed.isObject || parsed.isArray {
                j.set(k, parsed)
            }
        }
        JobStatus.mark(j)
        setOpenAIBaseURL(j)
        normaliseCost(j)
        normaliseTimes(j)
        return j
    }

    /// "openai_base_url" beside a non-empty "endpoint_url": the root an OpenAI client takes
    /// (vLLM serves its routes under /v1), decided once here for every language.
    static func setOpenAIBaseURL(_ j: JSON) {
        guard let url = j.string("endpoint_url"), !url.isEmpty else { return }
        j.set("openai_base_url", openAIBaseURL(url))
    }

    /// An endpoint_url without trailing "/", with "/v1" appended unless it ends so already.
    static func openAIBaseURL(_ endpointURL: String) -> String {
        var u = Substring(endpointURL)
        while u.hasSuffix("/") { u = u.dropLast() }
        return u.hasSuffix("/v1") ? String(u) : String(u) + "/v1"
    }

    /// "execution_time_sec", computed once here for every front end: the server's
    /// duration_seconds when it has one, else completed_at − started_at, else
    /// actual_duration_minutes × 60; 0 for a completed job with none of them (code written for
    /// the official SDKs formats it as a number); absent otherwise.
    static func normaliseTimes(_ j: JSON) {
        if j.has("execution_time_sec") { return }
        var secs: Double? = j.double("duration_seconds")
        if secs == nil, let a = j.string("started_at").flatMap(Timestamp.parse),
            let b = j.string("completed_at").flatMap(Timestamp.parse)
        {
            secs = Swift.max(0, b - a)
        }
        if secs == nil, let m = j.double("actual_duration_minutes") { secs = m * 60 }
        if secs == nil, j.string("status") == "completed" { secs = 0 }
        if let secs { j.set("execution_time_sec", (secs * 1000).rounded() / 1000) }
    }

    /// One meaning for cost in every document: `cost_halala`/`cost_sar` are what the renter is
    /// charged — the settled actual cost once the job is terminal (0 for a refunded failure or
    /// cancellation), the held quote before that — and `quoted_cost_halala`/`quoted_cost_sar`
    /// always the quote (the server's `cost_halala` column). SAR values are numbers.
    static func normaliseCost(_ j: JSON) {
        let quote = j.int("quoted_cost_halala") ?? j.int("cost_halala")
        guard let quote else { return }
        let status = j.string("status")
        let charged: Int
        if !JobStatus.isTerminal(status) {
            charged = quote
        } else if let actual = j.int("actual_cost_halala") {
            charged = actual
        } else {
            charged = (status == "completed" || status == "done") ? quote : 0
        }
        j.set("quoted_cost_halala", quote)
        j.set("quoted_cost_sar", Money.sar(quote))
        j.set("cost_halala", charged)
        j.set("cost_sar", Money.sar(charged))
        if let a = j.int("actual_cost_halala") { j.set("actual_cost_sar", Money.sar(a)) }
    }
}

public struct Jobs: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    public func job(_ id: String?, token: InterruptToken? = nil, timeoutMs: Int64? = nil) throws(DC1Error) -> JSON {
        let path = "/api/jobs/" + (try Paths.jobID(id))
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: path), timeoutMs: timeoutMs, token: token)
        // §8.1 (and §17.10): {job:{…}}; tolerate the documented flat form too.
        let row = body["job"] ?? body
        guard row.isObject, row.has("status") else {
            throw DC1Error(.protocolError, "GET /api/jobs/{id}: the response has no job.status")
        }
        return JobDocuments.normaliseJob(row)
    }

    /// The job and its output in one document (what the bindings' job models show):
    /// {"job": <job document>, "output": <output document> | null, "output_error": <error
    /// document> | null}. "output" is a completed job's output — kept per client (the last
    /// 32) and read from the server once, since it never changes — or a serving vllm_serve
    /// job's endpoint (built from the job, no second request).
    public func getWithOutput(_ id: String?) throws(DC1Error) -> JSON {
        let job = try self.job(id)
        let out = JSON.object()
        out.set("job", job)
        out.set("output", JSON.null())
        out.set("output_error", JSON.null())
        let (output, failure) = try outputOf(job)
        if let output { out.set("output", output) }
        if let failure { out.set("output_error", failure) }
        return out
    }

    /// The output that goes with a job document, as dc1_job_output would give it: a serving
    /// vllm_serve job's endpoint (from the document, no request); a completed job's output,
    /// read once per client and kept (it never changes); or nothing for any other state.
    /// Returns (output, nil), (nil, the read's error document) or (nil, nil); only an
    /// interruption is thrown.
    func outputOf(_ job: JSON) throws(DC1Error) -> (JSON?, JSON?) {
        guard let jobID = job.string("job_id") else { return (nil, nil) }
        if let serving = session.output.servingEndpoint(jobID, job) { return (serving, nil) }
        guard job.string("status") == "completed" else { return (nil, nil) }
        if let cached = session.outputCache.get(jobID) { return (cached.deepCopy(), nil) }
        do throws(DC1Error) {
            let o = try session.output.output(jobID)
            session.outputCache.put(jobID, o.deepCopy())
            return (o, nil)
        } catch {
            if error.code == .interrupted { throw error }
            return (nil, session.redacted(error).document())
        }
    }

    /// GET /api/jobs/{id}/status, the light poll (§8.2).
    public func jobStatus(_ id: String?, token: InterruptToken? = nil, timeoutMs: Int64? = nil) throws(DC1Error) -> JSON
    {
        _ = try Paths.jobID(id)
        let body = try session.sendJSON(
            HTTPRequest(method: "GET", path: try Paths.job(id!, "/status")),
            timeoutMs: timeoutMs, token: token)
        guard body.isObject, body.string("status") != nil else {
            throw DC1Error(.protocolError, "GET /api/jobs/{id}/status: the response has no status")
        }
        JobStatus.mark(body)
        return body
    }

    /// POST /api/jobs/{id}/cancel (§9.1). The request changes money (a refund), so it is sent
    /// once; a lost answer is settled by reading the job back.
    public func cancel(_ id: String?) throws(DC1Error) -> JSON {
        _ = try Paths.jobID(id)
        try session.requireKey("cancel")
        let req = HTTPRequest(method: "POST", path: try Paths.job(id!, "/cancel"), body: nil, idempotency: .unsafe)
        let body: JSON
        do {
            body = try session.sendJSON(req)
        } catch let e where e.fateUnknown {
            let now = try job(id)
            if now.string("status") == "cancelled" {
                let out = JSON.object()
                out.set("success", true)
                out.set("job", now)
                out.set("reconciled", true)
                return out
            }
            var e2 = e
            e2.setDetail("job", now)
            throw e2
        }
        let out = JSON.object()
        out.set("success", body.bool("success") ?? true)
        if let row = body["job"], row.isObject { out.set("job", JobDocuments.normaliseJob(row)) }
        return out
    }

    /// GET /api/jobs/{id}/logs (§8.5).
    public func logs(_ id: String?, options: JSON?) throws(DC1Error) -> JSON {
        _ = try Paths.jobID(id)
        let o = try Opts(options, "options", allowed: ["since", "limit"])
        let since = try o.int("since", 0...Int(Int32.max)) ?? 0
        let limit = try o.int("limit", 1...1000) ?? 200
        let body = try session.sendJSON(
            HTTPRequest(method: "GET", path: try Paths.job(id!, "/logs?since=\(since)&limit=\(limit)")))
        guard let lines = body["logs"], lines.isArray else {
            throw DC1Error(.protocolError, "GET /api/jobs/{id}/logs: the response has no logs array")
        }
        var next = since
        for (i, l) in lines.elements.enumerated() {
            // Every entry has the documented shape (include/dc1.h), or the call fails.
            guard l.isObject else {
                throw DC1Error(
                    .protocolError,
                    "GET /api/jobs/{id}/logs: logs[\(i)] is \(l.typeName == "array" || l.typeName == "object" ? "an" : "a") \(l.typeName), not an object"
                )
            }
            for (k, ok) in [
                ("line_no", l["line_no"].map { $0.isInteger || $0.isNull }),
                ("message", l["message"].map { $0.isString || $0.isNull }),
                ("level", l["level"].map { $0.isString || $0.isNull }),
            ] where ok == false {
                throw DC1Error(
                    .protocolError,
                    "GET /api/jobs/{id}/logs: logs[\(i)].\(k) is \(l[k]!.typeName == "array" || l[k]!.typeName == "object" ? "an" : "a") \(l[k]!.typeName), not \(k == "line_no" ? "an integer" : "a string")"
                )
            }
            if let n = l.int("line_no"), n > next { next = n }
        }
        body.set("next_since", next)
        if !body.has("has_more") { body.set("has_more", lines.count == limit) }
        return body
    }

    /// GET /api/jobs/history (G5: the header only, §8.10).
    public func history(options: JSON?) throws(DC1Error) -> JSON {
        let o = try Opts(options, "options", allowed: ["limit"])
        let limit = try o.int("limit", 1...100) ?? 20
        try session.requireKey("history")
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/jobs/history?limit=\(limit)"))
        guard let jobs = body["jobs"], jobs.isArray else {
            throw DC1Error(.protocolError, "GET /api/jobs/history: the response has no jobs array")
        }
        for row in jobs.elements where row.isObject {
            JobStatus.mark(row)
            JobDocuments.normaliseCost(row)
            JobDocuments.normaliseTimes(row)
        }
        if let b = body.int("balance_halala") { body.set("balance_sar", Money.sar(b)) }
        return body
    }
}
