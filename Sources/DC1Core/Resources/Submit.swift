/// POST /api/jobs/submit (§7.1): the strict schema checked locally, the body normalised to
/// what the server accepts, and a lost answer reconciled instead of resubmitted (§13, §16.7).
extension Jobs {
    public func submit(_ request: JSON?) throws(DC1Error) -> JSON {
        try submit(request, alsoKnown: { _ in false })
    }

    /// The submit itself. `alsoKnown` names job ids the caller already owns (the batch
    /// journal's), which a reconciliation must never claim.
    func submit(_ request: JSON?, alsoKnown: @escaping (String) -> Bool) throws(DC1Error) -> JSON {
        guard var request else { throw .invalid("request_json is NULL") }
        try session.requireKey("submit")
        // "check" is libdc1's own key (SubmitCheck.swift): read, then left out of what is sent.
        var level = session.options.submitCheck
        if request.isObject, request.has("check") {
            if let l = try SubmitCheckLevel.parse(request["check"], "request_json: check") { level = l }
            request = request.deepCopy()
            request.remove("check")
        }
        let body = try SubmitSchema.normalise(request)
        try session.catalogue.checkApprovedImages(body)  // only when this client fetched the registry: no request
        let findings = try SubmitCheck(session: session).run(body, level: level)
        for warning in SubmitSchema.sanitiserWarnings(body) { session.log(.warn, warning) }

        let req = HTTPRequest(method: "POST", path: "/api/jobs/submit", body: body.dumpBytes(), idempotency: .unsafe)
        let startedWall = Clock.wallSeconds()
        let token = session.interruptToken()
        do throws(DC1Error) {
            let resp = try session.send(req, token: token)
            let doc: JSON
            do throws(DC1Error) {
                doc = try session.parseJSONBody(resp, req)
            } catch {
                // A 2xx means the job was created; only its description was lost.
                var e = error
                e.fateUnknown = true
                throw e
            }
            return withWarnings(try submitResult(doc, reconciled: false), findings)
        } catch let e where e.fateUnknown {
            session.log(.warn, "submit: the answer was lost (\(e.message)); looking for the job in /api/jobs/history")
            let reconciler = SubmitReconciler(session: session, alsoKnown: alsoKnown)
            let found: SubmitReconciler.Found
            do throws(DC1Error) {
                found = try reconciler.find(body, since: startedWall, token: token)
            } catch let lookup {
                guard lookup.code == .interrupted else {
                    throw SubmitReconciler.unknown(cause: e, candidates: [], lookupError: lookup)
                }
                // Stopped while looking: the submit had been sent, so its fate stays unknown.
                var stopped = lookup
                stopped.message += "; the submit had been sent, so it may have taken effect (the job may exist)"
                stopped.setDetail("fate_unknown", .bool(true))
                throw stopped
            }
            switch found {
            case .job(let row):
                let id = row.string("job_id") ?? ""
                // The history row is a summary; the job's own document is what submit returns.
                let full = (try? session.sendJSON(HTTPRequest(method: "GET", path: try Paths.job(id)), token: token))?[
                    "job"]
                session.log(.info, "submit: reconciled with job \(id) found in history")
                let doc = JSON.object()
                doc.set("job", full ?? row)
                return withWarnings(try submitResult(doc, reconciled: true), findings)
            case .none:
                throw SubmitReconciler.unknown(cause: e, candidates: [], lookupError: nil)
            case .ambiguous(let rows):
                throw SubmitReconciler.unknown(cause: e, candidates: rows, lookupError: nil)
            }
        }
    }

    /// The check's findings of a "warn" submit, in the document as "warnings".
    private func withWarnings(_ out: JSON, _ findings: [SubmitFinding]) -> JSON {
        if !findings.isEmpty { out.set("warnings", JSON.array(findings.map(\.json))) }
        return out
    }

    private func submitResult(_ doc: JSON, reconciled: Bool) throws(DC1Error) -> JSON {
        guard let job = doc["job"], job.isObject, job.string("job_id") != nil else {
            // §17.8: some docs promise a flat body; accept it if it has a job_id.
            if let id = doc.string("job_id") {
                SubmittedJobs.process.remember(id)
                let out = JSON.object()
                out.set("job", JobDocuments.normaliseJob(doc))
                out.set("queued", doc.string("status") == "queued")
                return out
            }
            throw DC1Error(.protocolError, "POST /api/jobs/submit: the response has no job.job_id")
        }
        let out = JSON.object()
        if let id = job.string("job_id") { SubmittedJobs.process.remember(id) }
        out.set("job", JobDocuments.normaliseJob(job))
        out.set("queued", doc.bool("queued") ?? (job.string("status") == "queued"))
        if let m = doc.string("message") { out.set("message", m) }
        if reconciled { out.set("reconciled", true) }
        return out
    }
}

/// Job ids that submits in this process have handed out (the last 1024), so that reconciling
/// one lost submit never claims a job another call already owns.
final class SubmittedJobs: @unchecked Sendable {
    static let process = SubmittedJobs()
    private let lock = Lock()
    private var ids: [String] = []

    func remember(_ id: String) {
        lock.withLock {
            ids.append(id)
            if ids.count > 1024 { ids.removeFirst(ids.count - 1024) }
        }
    }

    func contains(_ id: String) -> Bool { lock.withLock { ids.contains(id) } }
}

/// The one rule for a submit whose answer was lost (a timeout after sending, a dropped
/// connection, a 2xx with an unreadable body, a crash between the journal's intent and its
/// outcome). Used by dc1_job_submit and by the batch runner alike.
///
/// The rule: look in `GET /api/jobs/history?limit=100` up to three times, after waits of 300,
/// 700 and 700 ms (a slow handler may commit late), for jobs submitted since the call began
/// (on the server's clock, from its Date header, with 3 s of slack for the header's one-second
/// resolution) with the same job_type and duration_minutes, that no submit of this process
/// and no id in `alsoKnown` owns. Exactly one such job is the submit's job; several are
/// ambiguous; none after the third look is none. Every wait ends at once when the call is
/// stopped (dc1_client_interrupt, a bound dc1_stop, a callback), with DC1_E_INTERRUPTED.
///
/// What the caller does with the answer is its own: dc1_job_submit reports none or several as
/// DC1_E_SUBMIT_UNKNOWN and never resubmits; the batch runner journals "none" as not created
/// and submits the line again, and leaves "several" as a line whose outcome is unknown.
struct SubmitReconciler {
    enum Found {
        case job(JSON)
        case none
        case ambiguous([JSON])
    }

    static let historyLimit = 100
    static let waitsMs: [Int64] = [300, 700, 700]
    static let slackSeconds = 3.0

    let session: Session
    let alsoKnown: (String) -> Bool

    func find(_ body: JSON?, since: Double, token: InterruptToken) throws(DC1Error) -> Found {
        let jobType = body?.string("job_type")
        let duration = body?.double("duration_minutes")
        for waitMs in SubmitReconciler.waitsMs {
            guard Clock.sleep(ms: waitMs, stop: { token.isInterrupted }) else { throw token.error() }
            let req = HTTPRequest(method: "GET", path: "/api/jobs/history?limit=\(SubmitReconciler.historyLimit)")
            let resp = try session.send(req, token: token)
            let hist = try session.parseJSONBody(resp, req)
            let skew = resp.header("date").flatMap(HTTPDate.parse).map { $0 - Clock.wallSeconds() } ?? 0
            let windowStart = since + skew - SubmitReconciler.slackSeconds
            var found: [JSON] = []
            for j in hist["jobs"]?.elements ?? [] {
                guard let t = j.string("submitted_at").flatMap(Timestamp.parse), t >= windowStart else { continue }
                guard let id = j.string("job_id"), !SubmittedJobs.process.contains(id), !alsoKnown(id) else {
                    continue
                }
                if let jobType, let jt = j.string("job_type"), jt != jobType { continue }
                if let duration, let d = j.double("duration_minutes"), abs(d - duration) > 1e-9 { continue }
                found.append(j)
            }
            if found.count == 1 { return .job(found[0]) }
            if found.count > 1 { return .ambiguous(found) }
        }
        return .none
    }

    /// DC1_E_SUBMIT_UNKNOWN for a submit the reconciler could not settle. Its details say
    /// which way: "candidates" (the matching history rows; empty for none) and
    /// "lookup_failed" (the history could not be read).
    static func unknown(cause: DC1Error, candidates: [JSON], lookupError: DC1Error?) -> DC1Error {
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
        e.setDetail("lookup_failed", .bool(lookupError != nil))
        return e
    }
}
