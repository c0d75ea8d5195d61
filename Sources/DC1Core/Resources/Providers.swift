/// GET /api/renters/available-providers (§10), filtered on the client.
public struct Providers: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    public func list(filter: JSON?) throws(DC1Error) -> JSON {
        let f = try Opts(filter, "filter", allowed: ["live", "min_vram_gb", "gpu_model", "limit"])
        let live = try f.bool("live")
        let minVram = try f.double("min_vram_gb")
        let model = try f.string("gpu_model")?.lowercased()
        let limit = try f.int("limit", 1...100_000)
        // Public route, but a key moves us into the 1000/min bucket (§3.2, §4).
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/renters/available-providers"))
        guard let list = body["providers"], list.isArray else {
            throw DC1Error(.protocolError, "GET /api/renters/available-providers: no providers array in the response")
        }
        let out = JSON.array()
        for p in list.elements where p.isObject {
            if let live, (p.bool("is_live") ?? false) != live { continue }
            if let minVram {
                let gb = p.double("vram_gb") ?? p.double("vram_mib").map { $0 / 1024 } ?? 0
                if gb < minVram { continue }
            }
            if let model, !(p.string("gpu_model")?.lowercased().contains(model) ?? false) { continue }
            if let limit, out.count >= limit { break }
            out.append(p)
        }
        let result = JSON.object()
        result.set("providers", out)
        result.set("total", out.count)
        for k in ["discovery_mode"] { if let v = body[k] { result.set(k, v) } }
        return result
    }

    /// One provider by id, from the same list (the server has no route for one provider):
    /// DC1_E_NOT_FOUND when it is not listed.
    public func get(_ id: Int) throws(DC1Error) -> JSON {
        let all = try list(filter: nil)["providers"]?.elements ?? []
        guard let p = all.first(where: { $0.int("id") == id }) else {
            throw DC1Error(.notFound, "no provider \(id) among the available providers")
        }
        let out = JSON.object()
        out.set("provider", p)
        return out
    }
}
