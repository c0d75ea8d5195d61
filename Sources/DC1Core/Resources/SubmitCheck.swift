/// Checks before paying (issue 25): what the client can know about a submit before anything is
/// sent. The server substitutes its default model for one it does not offer and accepts a
/// "max_tokens" of "abc", and charges for the job either way; the client has the catalogue and
/// the parameter types, so it can say so first.
///
/// The level, per submit: "off" (no check), "warn" (send, and report each finding in the
/// submit document's "warnings" and the log), "strict" (refuse with DC1_E_VALIDATION, every
/// finding in "fields", nothing sent). It comes from the request's libdc1-only key "check"
/// (removed before sending), else the client option "check", else "off" — so the C and Swift
/// default sends no extra request; the CLI asks for "strict", the official-SDK-compatible
/// surfaces for "warn".
public enum SubmitCheckLevel: String, Sendable {
    case off, warn, strict

    static func parse(_ v: JSON?, _ name: String) throws(DC1Error) -> SubmitCheckLevel? {
        guard let v, !v.isNull else { return nil }
        guard let s = v.stringValue, let l = SubmitCheckLevel(rawValue: s) else {
            throw .invalid("\(name) must be \"off\", \"warn\" or \"strict\"")
        }
        return l
    }
}

struct SubmitFinding {
    let field: String
    let message: String

    var json: JSON {
        let o = JSON.object()
        o.set("field", field)
        o.set("message", message)
        return o
    }
}

struct SubmitCheck {
    let session: Session

    /// Params that the job types read as numbers; a value the server would turn into garbage
    /// (a word, a list) is a finding. Numeric strings are numbers already (SubmitSchema).
    static let numericParams: Set<String> = [
        "max_tokens", "temperature", "top_p", "top_k", "steps", "width", "height", "seed",
        "num_images", "guidance_scale", "cfg_scale", "num_inference_steps", "max_new_tokens",
        "repetition_penalty", "presence_penalty", "frequency_penalty", "n", "max_model_len",
        "gpu_memory_utilization", "tensor_parallel_size",
    ]

    /// The findings for a normalised submit body (SubmitSchema.normalise's output).
    func findings(_ body: JSON) -> [SubmitFinding] {
        var out: [SubmitFinding] = []
        let params = body["params"]
        for key in (params?.keys ?? []).sorted() where SubmitCheck.numericParams.contains(key) {
            guard let v = params?[key], !v.isNull, !v.isNumber else { continue }
            let shown = v.stringValue.map { "\"\($0)\"" } ?? v.typeName
            out.append(SubmitFinding(field: "params.\(key)", message: "must be a number, got \(shown)"))
        }
        for (field, model) in [("model", body.string("model")), ("params.model", params?.string("model"))] {
            guard let model, !model.isEmpty else { continue }
            if let f = modelFinding(field, model) { out.append(f) }
        }
        return out
    }

    func modelFinding(_ field: String, _ model: String) -> SubmitFinding? {
        guard let ids = session.catalogueCache.modelIDs ?? fetchModelIDs() else { return nil }
        let lower = model.lowercased()
        if ids.contains(where: { $0.lowercased() == lower }) { return nil }
        let near = SubmitCheck.closest(model, in: ids)
        return SubmitFinding(
            field: field,
            message: "no model \"\(model)\" in the catalogue (the server would run its default model instead, "
                + "and charge for it)"
                + (near.isEmpty
                    ? ""
                    : "; did you mean "
                        + near.map { "\"\($0)\"" }.joined(
                            separator: ", ") + "?"))
    }

    /// GET /api/models once per client; nil when it cannot be read (nothing is then claimed
    /// about the model: the check never blocks a submit on a catalogue it could not see).
    func fetchModelIDs() -> [String]? {
        let filter = JSON.object()
        filter.set("providers", false)
        do throws(DC1Error) {
            let doc = try session.catalogue.models(filter: filter)
            let ids = (doc["models"]?.elements ?? []).compactMap { $0.string("model_id") }
            session.catalogueCache.setModelIDs(ids)
            return ids
        } catch {
            session.log(
                .info, "submit check: the model catalogue could not be read (\(error.message)); model not checked")
            return nil
        }
    }

    /// Up to three catalogue ids nearest to `name`: the edit distance of the lower-cased ids,
    /// or of their last path segment, within a third of the name's length (at least 3).
    static func closest(_ name: String, in ids: [String]) -> [String] {
        let n = Array(name.lowercased().utf8)
        let limit = Swift.max(3, n.count / 3)
        var scored: [(Int, String)] = []
        for id in ids {
            let full = Array(id.lowercased().utf8)
            let tail = Array((id.split(separator: "/").last.map(String.init) ?? id).lowercased().utf8)
            var d = Swift.min(Text.editDistance(n, full), Text.editDistance(n, tail))
            if full.count >= 4, n.count >= 4, contains(full, n) || contains(n, tail) { d = Swift.min(d, 1) }
            if d <= limit { scored.append((d, id)) }
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(3).map { $0.1 }
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= hay.count else { return false }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return true }
        return false
    }

    /// Applies a level: strict throws with every finding; warn logs them and returns them.
    func run(_ body: JSON, level: SubmitCheckLevel) throws(DC1Error) -> [SubmitFinding] {
        guard level != .off else { return [] }
        let found = findings(body)
        guard !found.isEmpty else { return [] }
        if level == .strict {
            var e = DC1Error(
                .validation,
                "submit: not sent: " + found.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                    + " (check \"strict\"; send anyway with check \"warn\" or \"off\")")
            e.setDetail("fields", JSON.array(found.map(\.json)))
            e.setDetail("check", .string("strict"))
            throw e
        }
        for f in found { session.log(.warn, "submit: \(f.field): \(f.message)") }
        return found
    }
}
