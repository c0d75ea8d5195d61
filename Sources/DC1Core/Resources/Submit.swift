/// POST /api/jobs/submit (§7.1): the strict schema checked locally, the body normalised to
/// what the server accepts, and a lost answer reconciled instead of resubmitted (§13, §16.7).
extension CoreClient {
    static let jobTypes: Set<String> = [
        "llm_inference", "llm-inference", "image_generation", "vllm_serve", "custom_container",
        "training", "rendering", "benchmark", "rag-pipeline",
    ]
    static let gpuTypes: Set<String> = [
        "H200", "H100", "A100", "L40S", "L40", "RTX4090", "RTX4080", "RTX3090", "RTX3080",
    ]

    public func submit(_ request: JSON?) throws(DC1Error) -> JSON {
        guard let request else { throw .invalid("request_json is NULL") }
        try requireKey("submit")
        let body = try SubmitSchema.normalise(request)
        try checkApprovedImages(body)  // only when this client fetched the registry: no request
        for warning in SubmitSchema.sanitiserWarnings(body) { log(.warn, warning) }

        let req = HTTPRequest(method: "POST", path: "/api/jobs/submit", body: body.dumpBytes(), idempotency: .unsafe)
        let startedWall = Clock.wallSeconds()
        let token = interruptToken()
        do throws(DC1Error) {
            let resp = try send(req, token: token)
            let doc: JSON
            do throws(DC1Error) {
                doc = try parseJSONBody(resp, req)
            } catch {
                // A 2xx means the job was created; only its description was lost.
                var e = error
                e.fateUnknown = true
                throw e
            }
            return try submitResult(doc, reconciled: false)
        } catch let e where e.fateUnknown {
            return try reconcileSubmit(body, since: startedWall, cause: e)
        }
    }

    private func submitResult(_ doc: JSON, reconciled: Bool) throws(DC1Error) -> JSON {
        guard let job = doc["job"], job.isObject, job.string("job_id") != nil else {
            // §17.8: some docs promise a flat body; accept it if it has a job_id.
            if doc.string("job_id") != nil {
                let out = JSON.object()
                out.set("job", JobDocuments.normaliseJob(doc))
                out.set("queued", doc.string("status") == "queued")
                return out
            }
            throw DC1Error(.protocolError, "POST /api/jobs/submit: the response has no job.job_id")
        }
        let out = JSON.object()
        if let id = job.string("job_id") { rememberJob(id) }
        out.set("job", JobDocuments.normaliseJob(job))
        out.set("queued", doc.bool("queued") ?? (job.string("status") == "queued"))
        if let m = doc.string("message") { out.set("message", m) }
        if reconciled { out.set("reconciled", true) }
        return out
    }

    /// The submit may or may not have created (and charged) a job. Look for it in the history:
    /// one match is ours; anything else is reported, never resubmitted.
    private func reconcileSubmit(_ body: JSON, since: Double, cause: DC1Error) throws(DC1Error) -> JSON {
        log(.warn, "submit: the answer was lost (\(cause.message)); looking for the job in /api/jobs/history")
        let jobType = body.string("job_type")
        let duration = body.double("duration_minutes")
        var candidates: [JSON] = []
        var lookupError: DC1Error? = nil
        // Give a slow handler a moment to commit before looking.
        _ = Clock.sleep(ms: 300, stop: { false })
        do {
            let req = HTTPRequest(method: "GET", path: "/api/jobs/history?limit=50")
            let resp = try send(req)
            let hist = try parseJSONBody(resp, req)
            // The server's clock, from its Date header, places the call's start on its own
            // timeline; 3 s of slack covers the header's one-second resolution.
            let skew = resp.header("date").flatMap(HTTPDate.parse).map { $0 - Clock.wallSeconds() } ?? 0
            let windowStart = since + skew - 3
            for j in hist["jobs"]?.elements ?? [] {
                guard let t = j.string("submitted_at").flatMap(Timestamp.parse) else { continue }
                if t < windowStart { continue }
                if let id = j.string("job_id"), isKnownJob(id) { continue }
                if let jobType, let jt = j.string("job_type"), jt != jobType { continue }
                if let duration, let d = j.double("duration_minutes"), abs(d - duration) > 1e-9 { continue }
                candidates.append(j)
            }
        } catch { lookupError = error }

        if candidates.count == 1, lookupError == nil, let id = candidates[0].string("job_id") {
            if let job = try? sendJSON(HTTPRequest(method: "GET", path: try Paths.job(id))), let row = job["job"] {
                log(.info, "submit: reconciled with job \(id) found in history")
                let doc = JSON.object()
                doc.set("job", row)
                return try submitResult(doc, reconciled: true)
            }
        }
        var e = DC1Error(
            .submitUnknown,
            "submit: the request was sent but its answer was lost (\(cause.message)). "
                + "The job may exist and be charged; it was NOT resubmitted. "
                + (lookupError != nil
                    ? "The history lookup failed too: \(lookupError!.message)."
                    : "\(candidates.count) matching job(s) found in history; see \"candidates\"."))
        e.httpStatus = cause.httpStatus
        e.requestID = cause.requestID
        e.attempts = cause.attempts
        let arr = JSON.array()
        for c in candidates { arr.append(c) }
        e.setDetail("candidates", arr)
        throw e
    }
}
