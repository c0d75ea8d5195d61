/// Renter webhooks (§12): parsing deliveries and managing the account URL and registered hooks.
public enum WebhookEvents {
    /// The three delivery shapes of §12.1/§12.2 folded into one:
    /// {"event","job_id","status","dedupe_key","cost_halala"?,"raw"}.
    public static func parse(_ body: JSON) throws(DC1Error) -> JSON {
        guard body.isObject else { throw .invalid("webhook body is not a JSON object") }
        let out = JSON.object()
        let job = body["job"]
        let jobID = body.string("job_id") ?? body.string("jobId") ?? job?.string("job_id")
        var status = body.string("status") ?? job?.string("status")
        if status == "done" { status = "completed" }  // the sweeper says done (§12.1)
        var event = body.string("event")
        if event == nil, let status { event = "job.\(status)" }
        out.set("event", event)
        out.set("job_id", jobID)
        out.set("status", status)
        if let c = body.int("cost_halala") { out.set("cost_halala", c) }
        if let b = body["billing"], b.isObject, let c = b.int("actual_cost_halala") { out.set("cost_halala", c) }
        if let c = out.int("cost_halala") {
            out.set("cost_sar", Money.sar(c))
        } else if let s = body["cost_sar"], let d = s.doubleValue ?? s.stringValue.flatMap(Double.init) {
            out.set("cost_sar", d)
        }
        // Deliveries repeat in different shapes; job id plus status identifies one (§12.3).
        out.set("dedupe_key", "\(jobID ?? "?"):\(status ?? event ?? "?")")
        out.set("raw", body)
        return out
    }
}

public struct Webhooks: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    /// PATCH /api/renters/settings {"webhook_url"}: null or "" clears it.
    public func setWebhookURL(_ url: String?) throws(DC1Error) -> JSON {
        try session.requireKey("webhook settings")
        let b = JSON.object()
        if let url { b.set("webhook_url", url) } else { b.set("webhook_url", JSON.null()) }
        var req = HTTPRequest(method: "PATCH", path: "/api/renters/settings", body: b.dumpBytes())
        req.idempotency = .safe  // setting a value twice is harmless
        do { return try session.sendJSON(req) } catch { throw session.renterAuthError(error) }
    }

    private func renterID() throws(DC1Error) -> Int {
        guard let id = try session.account.me()["renter"]?.int("id") else {
            throw DC1Error(.protocolError, "GET /api/renters/me: no renter.id")
        }
        return id
    }

    public func webhooks() throws(DC1Error) -> JSON {
        try session.sendJSON(HTTPRequest(method: "GET", path: "/api/renters/\(try renterID())/webhooks"))
    }

    public func registerWebhook(_ request: JSON?) throws(DC1Error) -> JSON {
        guard let request, request.isObject, request.string("url") != nil, let secret = request.string("secret") else {
            throw .invalid("request_json needs \"url\" and \"secret\" strings")
        }
        guard secret.utf8.count >= 16 else { throw DC1Error(.validation, "secret must be at least 16 characters") }
        let req = HTTPRequest(
            method: "POST", path: "/api/renters/\(try renterID())/webhooks",
            body: request.dumpBytes(), idempotency: .unsafe)
        return try session.sendJSON(req)
    }

    public func deleteWebhook(_ id: String?) throws(DC1Error) -> JSON {
        let wid = try Paths.jobID(id)  // the same safe-character rule as job ids
        var req = HTTPRequest(method: "DELETE", path: "/api/renters/\(try renterID())/webhooks/\(wid)")
        req.idempotency = .safe  // a soft delete: repeating it changes nothing
        return try session.sendJSON(req)
    }
}
