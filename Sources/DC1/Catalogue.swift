import DC1Core

/// A model of GET /api/models, with the live providers that have it cached.
public struct CatalogueModel: Sendable {
    public var modelID: String
    public var displayName: String?
    public var minVRAMGB: Double?
    public var status: String?
    public var priceHalalaPerMinute: Int?
    public var priceSARPerMinute: Double?
    /// Ids of the live providers caching the model (empty when providers were not joined).
    public var liveProviderIDs: [Int]
    /// Every field of the catalogue entry.
    public var raw: JSON

    init(_ j: JSON) {
        modelID = j.string("model_id") ?? ""
        displayName = j.string("display_name")
        minVRAMGB = j.double("min_gpu_vram_gb")
        status = j.string("status")
        priceHalalaPerMinute = j.int("price_halala_per_min")
        priceSARPerMinute = j.double("price_sar_per_min")
        liveProviderIDs = j["live_providers"]?.elements.compactMap { $0.int("id") } ?? []
        raw = j
    }
}

/// The prepaid quote of dc1_quote.
public struct Quote: Sendable {
    /// What submit holds: exact for "provider" and "gpu", the most it can hold for "auto".
    public var costHalala: Int
    public var costSAR: Double { Double(costHalala) / 100 }
    /// "provider" (a pinned provider), "gpu" (a GPU named), "auto" (automatic routing: the
    /// range below) or "job_type" (queued globally, computed locally).
    public var basis: String
    /// For "auto": the cheapest and dearest live GPU that can take the job.
    public var minCostHalala: Int?
    public var maxCostHalala: Int?
    /// For "auto": what submit holds if no such GPU is live when it is sent.
    public var globalQueueCostHalala: Int?
    public var raw: JSON

    init(_ j: JSON) {
        costHalala = j.int("cost_halala") ?? 0
        basis = j.string("basis") ?? "job_type"
        minCostHalala = j.int("min_cost_halala")
        maxCostHalala = j.int("max_cost_halala")
        globalQueueCostHalala = j.int("global_queue_cost_halala")
        raw = j
    }
}

extension DC1Client {
    /// The model catalogue joined with the live providers that cache each model.
    public func models(cachedOnly: Bool = false, arabic: Bool = false) throws(DC1Error) -> [CatalogueModel] {
        let f = JSON.object()
        if cachedOnly { f.set("cached_only", true) }
        if arabic { f.set("arabic", true) }
        return (try core.catalogue.models(filter: f))["models"]?.elements.map(CatalogueModel.init) ?? []
    }

    /// The approved container image refs. The client then refuses other images at submit.
    public func approvedImages() throws(DC1Error) -> [String] {
        (try core.catalogue.images())["images"]?.elements.compactMap { $0.string("image_ref") } ?? []
    }

    /// The job templates, as the server describes them.
    public func templates(tag: String? = nil) throws(DC1Error) -> [JSON] {
        let f = JSON.object()
        if let tag { f.set("tag", tag) }
        return (try core.catalogue.templates(filter: f))["templates"]?.elements ?? []
    }

    /// Submits a job built from template `id` (its params, with `params` merged over them).
    public func submit(template id: String, durationMinutes: Double, params: [String: String] = [:]) throws(DC1Error)
        -> Job
    {
        let o = JSON.object()
        o.set("duration_minutes", durationMinutes)
        let p = JSON.object()
        for (k, v) in params { p.set(k, v) }
        o.set("params", p)
        guard let req = (try core.catalogue.templateRequest(id, overrides: o))["request"] else {
            throw DC1Error(.protocolError, "template \(id): no request built")
        }
        let r = try core.jobs.submit(req)
        guard let j = r["job"] else { throw DC1Error(.protocolError, "submit: no job in the result") }
        return Job(j)
    }

    /// The prepaid cost of `jobType` for `minutes` (locally, unless `gpuModel` is given).
    public func quote(
        _ jobType: String, minutes: Double, pricingClass: String? = nil,
        gpuModel: String? = nil, providerID: Int? = nil, globalQueue: Bool = false
    ) throws(DC1Error) -> Quote {
        let r = JSON.object()
        r.set("job_type", jobType)
        r.set("duration_minutes", minutes)
        if let pricingClass { r.set("pricing_class", pricingClass) }
        if let gpuModel { r.set("gpu_model", gpuModel) }
        if let providerID { r.set("provider_id", providerID) }
        if globalQueue { r.set("placement", "global_queue") }
        return Quote(try core.catalogue.quote(r))
    }

    /// What submit will hold for exactly this request (`dc1_quote` of the request itself).
    public func quote(_ request: JobRequest) throws(DC1Error) -> Quote {
        Quote(try core.catalogue.quote(request.json))
    }

    /// The renter's spending (all time, monthly, last 30 days) and /v1 usage.
    public func usage() throws(DC1Error) -> JSON { try core.catalogue.usage() }

    /// A job's lifecycle events, after `sinceSequence`.
    public func lifecycle(_ id: String, sinceSequence: Int = 0) throws(DC1Error) -> [JSON] {
        let o = JSON.object()
        o.set("since_sequence", sinceSequence)
        return (try core.jobs.lifecycle(id, options: o))["events"]?.elements ?? []
    }
}
