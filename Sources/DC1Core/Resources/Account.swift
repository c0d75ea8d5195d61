/// Account routes (§10).
public struct Account: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    /// GET /api/renters/balance (G8: header, then ?key). The server answers a bad key with
    /// 404 "Renter not found" and no key with 400 (§3.2, §16.14); both are auth failures.
    public func balance() throws(DC1Error) -> JSON {
        try session.requireKey("balance")
        let req = HTTPRequest(method: "GET", path: "/api/renters/balance")
        let body: JSON
        do { body = try session.sendJSON(req) } catch { throw session.renterAuthError(error) }
        guard body.isObject, body.has("balance_halala") else {
            throw DC1Error(.protocolError, "GET /api/renters/balance: no balance_halala in the response")
        }
        // SAR values are numbers here (§1.5); derive them when absent so the shape is fixed.
        for (h, s) in [
            ("balance_halala", "balance_sar"), ("held_halala", "held_sar"),
            ("total_spent_halala", "total_spent_sar"),
        ] {
            if let v = body.int(h) { body.set(s, Money.sar(v)) }  // always a number, never float noise
        }
        if !body.has("available_halala"), let v = body.int("balance_halala") { body.set("available_halala", v) }
        return body
    }

    /// GET /api/renters/me (G7: ?key first, then the header; we send the header only).
    public func me() throws(DC1Error) -> JSON {
        try session.requireKey("me")
        let req = HTTPRequest(method: "GET", path: "/api/renters/me")
        do { return try session.sendJSON(req) } catch { throw session.renterAuthError(error) }
    }
}
