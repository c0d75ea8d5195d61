/// The marketplace's catalogue: models (with the live providers that cache them), the approved
/// container images, templates, a local quote, and the renter's spending. All of these routes
/// are public except the spending ones (§3.2 "Public"); the key is sent anyway because it moves
/// the client into the 1000/min bucket (§4).

/// What this client has learnt of the catalogue: the approved-image registry, once fetched, so
/// submit can refuse an unapproved custom_container image without a request; and the model ids
/// a submit check fetched (SubmitCheck.swift).
public final class CatalogueCache: @unchecked Sendable {
    private let lock = Lock()
    private var approved: Set<String>? = nil
    private var models: [String]? = nil

    public init() {}

    /// The registry's image refs, trimmed and lower-cased (the server compares them so:
    /// lib/container-registry.js); nil until dc1_images_list ran on this client.
    var approvedImages: Set<String>? { lock.withLock { approved } }

    func setApproved(_ refs: Set<String>) { lock.withLock { approved = refs } }

    /// The catalogue's model ids, once a submit check fetched them (nil before).
    var modelIDs: [String]? { lock.withLock { models } }

    func setModelIDs(_ ids: [String]) { lock.withLock { models = ids } }

    static func key(_ ref: String) -> String { ref.trimmingSpaces.lowercased() }
}

enum CatalogueIDs {
    /// Template ids name files on the server (docker-templates/<id>.json): letters, digits, "._-".
    static func template(_ raw: String?) throws(DC1Error) -> String {
        guard let id = raw else { throw .invalid("template_id is NULL") }
        guard !id.isEmpty, id.utf8.count <= 128, id != ".", id != ".." else {
            throw .invalid("template_id must be 1–128 characters")
        }
        for c in id.utf8
        where !(isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")) {
            throw .invalid(
                "template_id holds a character not allowed in a template id (only letters, digits and - _ .)")
        }
        return id
    }

    /// Model ids may hold "/" (HuggingFace names); the server's route accepts [A-Za-z0-9._/-]+.
    /// No empty, "." or ".." segment, so the id can never climb out of /api/models/.
    static func model(_ raw: String?) throws(DC1Error) -> String {
        guard let id = raw else { throw .invalid("model_id is NULL") }
        guard !id.isEmpty, id.utf8.count <= 200 else { throw .invalid("model_id must be 1–200 characters") }
        for c in id.utf8
        where
            !(isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: ".") || c == UInt8(ascii: "/"))
        {
            throw .invalid("model_id holds a character not allowed in a model id (only letters, digits and - _ . /)")
        }
        for seg in id.split(separator: "/", omittingEmptySubsequences: false)
        where seg.isEmpty || seg == "." || seg == ".." {
            throw .invalid("model_id has an empty, \".\" or \"..\" path segment")
        }
        return id
    }

    static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
}

/// Quote rules of §6.1 (the server's config/pricing.js). The job-type path has no endpoint:
/// the server applies it when no GPU is known (a job queued globally), so it is computed here.
enum Quote {
    static let ratePerMinuteHalala: [String: Int] = [
        "llm_inference": 9, "llm-inference": 9, "vllm_serve": 9, "image_generation": 10, "rendering": 10,
        "training": 7, "custom_container": 7, "rag-pipeline": 15,
    ]
    static let defaultRatePerMinuteHalala = 6
    static let multipliers: [String: Double] = ["priority": 1.20, "standard": 1.00, "economy": 0.90]
    /// "anything else" of the GPU table: $0.089/h.
    static let defaultRatePerSecondUSD = 0.0000247
    static let sarPerUSD = 3.75

    /// Lower-cased, spaces removed: "RTX 4090" and "rtx4090" compare equal, as on the server.
    static func gpuKey(_ s: String) -> String { String(s.lowercased().filter { $0 != " " }) }

    /// The tier of /api/pricing/tiers whose GPU name the given one contains, and its rate
    /// (the server's default rate when none matches).
    static func gpuRate(_ tiers: JSON, _ gpu: String) -> (Double, JSON?) {
        let want = gpuKey(gpu)
        for t in tiers.elements {
            guard let name = t.string("gpu_model"), !name.isEmpty, want.contains(gpuKey(name)),
                let r = t["pricing"]?.double("rate_per_second_usd")
            else { continue }
            return (r, t)
        }
        return (defaultRatePerSecondUSD, nil)
    }

    /// The server's order of operations (JS doubles), so the ceiling lands where it does.
    static func gpuCost(_ rate: Double, _ minutes: Double, _ mult: Double) -> Int {
        Int((rate * minutes * 60 * sarPerUSD * 100 * mult).rounded(.up))
    }

    static func jobTypeCost(_ jobType: String, _ minutes: Double, _ mult: Double) -> Int {
        Int((Double(ratePerMinuteHalala[jobType] ?? defaultRatePerMinuteHalala) * minutes * mult).rounded(.up))
    }
}

public struct Catalogue: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }
    // MARK: models

    /// GET /api/models (a bare array of models, each with `providers_online` and
    /// `avg_price_sar_per_min`) joined with GET /api/renters/available-providers (which live
    /// providers have the model in `cached_models`).
    public func models(filter: JSON?) throws(DC1Error) -> JSON {
        let f = try Opts(
            filter, "filter", allowed: ["arabic", "min_vram_gb", "category", "tier", "providers", "cached_only"])
        var query: [String] = []
        if let a = try f.bool("arabic"), a { query.append("arabic=true") }
        if let v = try f.int("min_vram_gb", 1...1024) { query.append("min_vram_gb=\(v)") }
        if let c = try f.string("category") { query.append("category=" + Paths.queryValue(c)) }
        if let t = try f.string("tier") { query.append("tier=" + Paths.queryValue(t)) }
        let cachedOnly = try f.bool("cached_only") ?? false
        let withProviders = try f.bool("providers") ?? true || cachedOnly
        let path = "/api/models" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: path))
        // The list is a bare array; /api/models/catalog wraps the same in {"models": […]}.
        guard let list = body.isArray ? body : body["models"], list.isArray else {
            throw DC1Error(.protocolError, "GET /api/models: expected an array of models")
        }
        var cachedBy: [String: [JSON]] = [:]
        if withProviders {
            let live = JSON.object()
            live.set("live", true)
            for p in try session.providers.list(filter: live)["providers"]?.elements ?? [] {
                let entry = JSON.object()
                for k in ["id", "name", "gpu_model", "vram_gb", "location"] { if let v = p[k] { entry.set(k, v) } }
                for m in p["cached_models"]?.elements ?? [] {
                    if let s = m.stringValue { cachedBy[s.lowercased(), default: []].append(entry) }
                }
            }
        }
        let out = JSON.array()
        for m in list.elements where m.isObject {
            let model = m.deepCopy()
            normaliseModelPrice(model)
            if withProviders {
                let arr = JSON.array()
                for p in cachedBy[(model.string("model_id") ?? "").lowercased()] ?? [] { arr.append(p) }
                if cachedOnly && arr.count == 0 { continue }
                model.set("live_providers", arr)
                model.set("live_provider_count", arr.count)
            }
            out.append(model)
        }
        let result = JSON.object()
        result.set("models", out)
        result.set("total", out.count)
        result.set("providers_joined", withProviders)
        return result
    }

    /// GET /api/models/{model_id}: the full catalogue entry (availability, pricing, benchmark).
    public func model(_ id: String?) throws(DC1Error) -> JSON {
        let mid = try CatalogueIDs.model(id)
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/models/" + mid))
        guard body.isObject, body.string("model_id") != nil else {
            throw DC1Error(.protocolError, "GET /api/models/{id}: the response has no model_id")
        }
        normaliseModelPrice(body)
        let out = JSON.object()
        out.set("model", body)
        return out
    }

    /// Adds price_sar_per_min (number), price_halala_per_min (integer) and price_sar_per_hour
    /// from whichever of the list's and the detail's fields the server sent.
    private func normaliseModelPrice(_ m: JSON) {
        let perMin =
            m.double("avg_price_sar_per_min") ?? m["pricing"]?.double("avg_sar_per_min")
            ?? m["pricing"]?.double("default_sar_per_min")
        if let perMin {
            m.set("price_sar_per_min", perMin)
            m.set("price_halala_per_min", Int((perMin * 100).rounded()))
        }
        if let h = m.double("pricing_per_hour") ?? m["pricing"]?.double("default_sar_per_hour") {
            m.set("price_sar_per_hour", h)
        }
    }

    // MARK: container images

    /// GET /api/containers/registry: {images:[{id,image_ref,image_type,description,approved_at,
    /// source}], total}. Remembered by the client for submit's image check.
    public func images() throws(DC1Error) -> JSON {
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/containers/registry"))
        guard let list = body["images"], list.isArray else {
            throw DC1Error(.protocolError, "GET /api/containers/registry: the response has no images array")
        }
        var refs = Set<String>()
        let out = JSON.array()
        for i in list.elements {
            // Tolerate a bare string list (the older /api/templates/whitelist shape).
            let entry: JSON
            if let s = i.stringValue { entry = JSON.object(); entry.set("image_ref", s) } else { entry = i }
            guard let ref = entry.string("image_ref") else { continue }
            refs.insert(CatalogueCache.key(ref))
            out.append(entry)
        }
        session.catalogueCache.setApproved(refs)
        let result = JSON.object()
        result.set("images", out)
        result.set("total", out.count)
        return result
    }

    /// The images a submit names (§7.1: params.image_override of a custom_container,
    /// container_spec.image / image_override of any job), checked against the registry when
    /// this client has fetched it; otherwise nothing is checked and nothing is fetched.
    func checkApprovedImages(_ body: JSON) throws(DC1Error) {
        guard let approved = session.catalogueCache.approvedImages else { return }
        var named: [(String, String)] = []
        if body.string("job_type") == "custom_container", let s = body["params"]?.string("image_override") {
            named.append(("params.image_override", s))
        }
        for k in ["image", "image_override"] {
            if let s = body["container_spec"]?.string(k) { named.append(("container_spec.\(k)", s)) }
        }
        for (field, ref) in named where !approved.contains(CatalogueCache.key(ref)) {
            var e = SubmitSchema.fail(
                field,
                "\"\(ref)\" is not in the approved image registry "
                    + "(GET /api/containers/registry, as fetched by this client); the server would answer 400 IMAGE_NOT_APPROVED"
            )
            e.setDetail("error_code", .string("IMAGE_NOT_APPROVED"))
            throw e
        }
    }

    // MARK: templates

    /// GET /api/templates[?tag=]: {templates:[…], total}; each template also gets
    /// estimated_price_halala_per_hour when it has estimated_price_sar_per_hour.
    public func templates(filter: JSON?) throws(DC1Error) -> JSON {
        let f = try Opts(filter, "filter", allowed: ["tag"])
        let path = "/api/templates" + ((try f.string("tag")).map { "?tag=" + Paths.queryValue($0) } ?? "")
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: path))
        guard let list = body.isArray ? body : body["templates"], list.isArray else {
            throw DC1Error(.protocolError, "GET /api/templates: the response has no templates array")
        }
        let out = JSON.array()
        for t in list.elements where t.isObject {
            let tpl = t.deepCopy()
            if let sar = tpl.double("estimated_price_sar_per_hour") {
                tpl.set("estimated_price_halala_per_hour", Int((sar * 100).rounded()))
            }
            out.append(tpl)
        }
        let result = JSON.object()
        result.set("templates", out)
        result.set("total", out.count)
        return result
    }

    /// GET /api/templates/{id}, turned into a submit request. The template's id is NOT put in
    /// the request: the server then overrides the image and fails with 400
    /// "container_spec.image_type is required" (§7.1 template_id quirk, §16.4).
    public func templateRequest(_ id: String?, overrides: JSON?) throws(DC1Error) -> JSON {
        let tid = try CatalogueIDs.template(id)
        if let overrides, !overrides.isObject {
            throw .invalid("overrides_json must be a JSON object, got \(overrides.typeName)")
        }
        let tpl = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/templates/" + tid))
        guard tpl.isObject, tpl.string("id") != nil || tpl.string("job_type") != nil else {
            throw DC1Error(.protocolError, "GET /api/templates/{id}: the response is not a template")
        }
        let req = JSON.object()
        let jobType = overrides?.string("job_type") ?? tpl.string("job_type")
        guard let jobType else {
            throw DC1Error(.validation, "template \(tid) names no job_type; give one in overrides")
        }
        req.set("job_type", jobType)
        let params = JSON.object()
        let dropped = JSON.array()
        if let p = tpl["params"], p.isObject {
            for k in p.keys { if let v = p[k], v.isScalar { params.set(k, v) } else { dropped.append(.string(k)) } }
        }
        if jobType == "custom_container", !params.has("image_override"), let img = tpl.string("image"), img != "custom"
        {
            params.set("image_override", img)
        }
        if let o = overrides {
            for k in o.keys where k != "params" && k != "job_type" { req.set(k, o[k]!) }
            if let op = o["params"] {
                guard op.isObject else { throw .invalid("overrides_json: params must be an object") }
                for k in op.keys { params.set(k, op[k]!) }
            }
        }
        req.set("params", params)
        if !req.has("duration_minutes") {
            throw SubmitSchema.fail(
                "duration_minutes",
                "required in overrides: the runtime budget and quote basis "
                    + "in minutes (0.1–1440); a template sets none")
        }
        let normalised = try SubmitSchema.normalise(req)
        let out = JSON.object()
        out.set("request", normalised)
        let t = JSON.object()
        for k in ["id", "name", "job_type", "image", "min_vram_gb", "estimated_price_sar_per_hour"] {
            if let v = tpl[k] { t.set(k, v) }
        }
        out.set("template", t)
        out.set("dropped_params", dropped)
        return out
    }

    // MARK: quote

    /// The prepaid quote of §6.1 for a job type and duration. Without gpu_model it is the
    /// job-type path, computed locally (no request); with gpu_model the GPU-aware path, using
    /// the rates of GET /api/pricing/tiers.
    public func quote(_ request: JSON?) throws(DC1Error) -> JSON {
        guard let request else { throw .invalid("request_json is NULL") }
        // The same request dc1_job_submit takes (its other keys do not change the price), plus
        // "gpu_model" and "placement".
        let o = try Opts(request, "request", allowed: SubmitSchema.keys.union(["gpu_model", "placement", "check"]))
        guard let jobType = try o.string("job_type") else { throw SubmitSchema.fail("job_type", "required") }
        guard SubmitSchema.jobTypes.contains(jobType) else {
            throw SubmitSchema.fail(
                "job_type",
                "Invalid job_type \"\(jobType)\". Allowed: " + SubmitSchema.jobTypes.sorted().joined(separator: ", "))
        }
        guard let minutes = try o.double("duration_minutes") else {
            throw SubmitSchema.fail("duration_minutes", "required")
        }
        guard minutes >= 0.1, minutes <= 1440 else { throw SubmitSchema.fail("duration_minutes", "must be 0.1–1440") }
        let pc = (try o.string("pricing_class") ?? "standard").lowercased()
        guard let mult = Quote.multipliers[pc] else {
            throw SubmitSchema.fail("pricing_class", "must be priority, standard or economy")
        }
        let placement = try o.string("placement")
        if let placement, placement != "auto", placement != "global_queue" {
            throw SubmitSchema.fail("placement", "must be \"auto\" or \"global_queue\"")
        }
        let out = JSON.object()
        out.set("job_type", jobType)
        out.set("duration_minutes", minutes == minutes.rounded() ? JSON.int(Int(minutes)) : JSON.double(minutes))
        out.set("pricing_class", pc)
        out.set("multiplier", mult)
        let queueCost = Quote.jobTypeCost(jobType, minutes, mult)
        let cost: Int
        if let gpu = try o.string("gpu_model") {
            // A provider with that GPU: exact.
            let tiers = try pricingTiers()
            let (rate, matched) = Quote.gpuRate(tiers, gpu)
            cost = Quote.gpuCost(rate, minutes, mult)
            out.set("basis", "gpu")
            out.set("gpu_model", gpu)
            out.set("gpu_tier", matched?.string("gpu_model"))
            out.set("rate_per_second_usd", rate)
            if let h = matched?["pricing"]?.double("rate_per_hour_usd") { out.set("rate_usd_per_hour", h) }
            if matched == nil {
                out.set("note", "no tier of /api/pricing/tiers matches; the server's default GPU rate applies")
            }
        } else if let pid = request["provider_id"], !pid.isNull {
            // Pinned: the provider's GPU decides, exactly as submit's hold.
            guard let id = pid.intValue ?? pid.stringValue.flatMap({ Int($0) }) else {
                throw SubmitSchema.fail("provider_id", "expected an integer")
            }
            let providers = try session.providers.list(filter: nil)["providers"]?.elements ?? []
            guard let p = providers.first(where: { $0.int("id") == id }) else {
                throw DC1Error(.notFound, "quote: no provider \(id) (submit would answer 404 Provider not found)")
            }
            let gpu = p.string("gpu_model") ?? ""
            let (rate, matched) = Quote.gpuRate(try pricingTiers(), gpu)
            cost = Quote.gpuCost(rate, minutes, mult)
            out.set("basis", "provider")
            out.set("provider_id", id)
            out.set("gpu_model", gpu)
            out.set("gpu_tier", matched?.string("gpu_model"))
            out.set("rate_per_second_usd", rate)
        } else if placement == "global_queue" {
            cost = queueCost
            out.set("basis", "job_type")
            out.set("rate_halala_per_min", Quote.ratePerMinuteHalala[jobType] ?? Quote.defaultRatePerMinuteHalala)
            out.set(
                "note",
                "the job-type rate, held when no GPU is known at submit (a job queued globally); computed locally")
        } else {
            cost = try quoteAuto(request, jobType: jobType, minutes: minutes, mult: mult, queueCost: queueCost, out)
        }
        out.set("cost_halala", cost)
        out.set("cost_sar", Money.sar(cost))
        out.set("cost_usd", (Double(cost) / 375 * 1_000_000).rounded() / 1_000_000)
        out.set(
            "hold_note",
            "cost_halala is what submit holds (prepaid) for this request"
                + (out.string("basis") == "auto" ? " at most; the range is in min/max_cost_halala" : "")
                + "; settlement may then charge less or more (actual_cost_halala on the finished job)")
        return out
    }

    /// Automatic routing (no provider_id, no gpu_model): the server places the job on one of
    /// the live providers that can take it and holds that GPU's price, or queues it globally at
    /// the job-type rate when none can. So: the range over those providers' GPUs, each labelled,
    /// and the global-queue amount; "cost_halala" is the most submit can hold.
    private func quoteAuto(
        _ request: JSON, jobType: String, minutes: Double, mult: Double, queueCost: Int, _ out: JSON
    ) throws(DC1Error) -> Int {
        let req = request["gpu_requirements"]
        let minVram = req?.double("min_vram_gb") ?? 0
        let gpuType = req?.string("gpu_type").map { String($0.uppercased().filter { $0.isLetter || $0.isNumber }) }
        let providers = try session.providers.list(filter: nil)["providers"]?.elements ?? []
        var byGPU: [String: (cost: Int, count: Int, tier: String?)] = [:]
        var tiers: JSON? = nil
        for p in providers {
            let live = p.bool("is_live") ?? (p.string("status") == "online")
            guard live, (p.bool("is_paused") ?? false) == false else { continue }
            let gb = p.double("vram_gb") ?? p.double("vram_mib").map { $0 / 1024 } ?? 0
            if minVram > 0 && gb < minVram { continue }
            let gpu = p.string("gpu_model") ?? ""
            if let gpuType, !gpuType.isEmpty,
                !String(gpu.uppercased().filter { $0.isLetter || $0.isNumber }).contains(gpuType)
            {
                continue
            }
            if let known = byGPU[gpu] {
                byGPU[gpu] = (known.cost, known.count + 1, known.tier)
                continue
            }
            if tiers == nil { tiers = try pricingTiers() }
            let (rate, matched) = Quote.gpuRate(tiers!, gpu)
            byGPU[gpu] = (Quote.gpuCost(rate, minutes, mult), 1, matched?.string("gpu_model"))
        }
        out.set("basis", "auto")
        out.set("global_queue_cost_halala", queueCost)
        guard !byGPU.isEmpty else {
            out.set("min_cost_halala", queueCost)
            out.set("max_cost_halala", queueCost)
            out.set("options", JSON.array())
            out.set("note", "no live provider can take this job now: submit queues it globally at the job-type rate")
            return queueCost
        }
        let options = JSON.array()
        for (gpu, v) in byGPU.sorted(by: {
            $0.value.cost != $1.value.cost ? $0.value.cost < $1.value.cost : $0.key < $1.key
        }) {
            let e = JSON.object()
            e.set("gpu_model", gpu)
            e.set("gpu_tier", v.tier)
            e.set("cost_halala", v.cost)
            e.set("cost_sar", Money.sar(v.cost))
            e.set("providers", v.count)
            options.append(e)
        }
        let costs = byGPU.values.map(\.cost)
        out.set("min_cost_halala", costs.min()!)
        out.set("max_cost_halala", costs.max()!)
        out.set("options", options)
        out.set(
            "note",
            "automatic routing: submit places the job on one of these live GPUs and holds its price; "
                + "if none is live by then, it queues the job globally at global_queue_cost_halala")
        return costs.max()!
    }

    private func pricingTiers() throws(DC1Error) -> JSON {
        let body = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/pricing/tiers"))
        guard let tiers = body["tiers"], tiers.isArray else {
            throw DC1Error(.protocolError, "GET /api/pricing/tiers: the response has no tiers array")
        }
        return tiers
    }

    // MARK: usage

    /// The renter's spending: GET /api/renters/me/spending (completed jobs: all time, by month,
    /// the last 30 days) and the /v1 token usage of GET /api/renters/me. /api/renters/me/usage
    /// is not used: it reads the key only from the query string (§3.2 G9), and libdc1 never puts
    /// the key in a URL.
    public func usage() throws(DC1Error) -> JSON {
        try session.requireKey("usage")
        let spending: JSON
        do { spending = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/renters/me/spending")) } catch {
            throw session.renterAuthError(error)
        }
        guard spending.isObject, spending["all_time"]?.isObject ?? false else {
            throw DC1Error(.protocolError, "GET /api/renters/me/spending: the response has no all_time object")
        }
        let me: JSON
        do { me = try session.sendJSON(HTTPRequest(method: "GET", path: "/api/renters/me")) } catch {
            throw session.renterAuthError(error)
        }

        func withSar(_ row: JSON) -> JSON {
            let r = row.deepCopy()
            for k in r.keys where k.hasSuffix("_halala") {
                let s = String(k.dropLast("_halala".count)) + "_sar"
                if let v = r.int(k) { r.set(s, Money.sar(v)) }
            }
            return r
        }
        let out = JSON.object()
        out.set("all_time", withSar(spending["all_time"]!))
        for k in ["monthly", "last_30_days"] {
            let arr = JSON.array()
            for row in spending[k]?.elements ?? [] where row.isObject { arr.append(withSar(row)) }
            out.set(k, arr)
        }
        if let v1 = me["v1_usage_summary"], v1.isObject {
            out.set("v1", withSar(v1))
        } else {
            out.set("v1", JSON.null())
        }
        if let r = me["renter"], r.isObject {
            for k in ["balance_halala", "total_spent_halala", "total_jobs"] { if let v = r.int(k) { out.set(k, v) } }
            for k in ["balance", "total_spent"] {
                if let v = r.int(k + "_halala") { out.set(k + "_sar", Money.sar(v)) }
            }
        }
        return out
    }
}
