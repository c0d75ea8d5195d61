import DC1Core

/// What shell completion offers beyond file names: the job types, and the catalogue's model ids.
enum Completions {
    static let jobTypes = [
        "llm_inference", "image_generation", "vllm_serve", "custom_container", "training", "rendering",
        "benchmark", "rag-pipeline",
    ]

    /// The catalogue's model ids starting with `prefix`, read with a short deadline (the models
    /// route is public; the environment's DC1_BASE_URL and key apply). Nothing when the server
    /// cannot be reached: a completion never blocks the shell for long.
    static func modelIDs(_ prefix: String) -> [String] {
        let o = JSON.object()
        o.set("timeout_ms", 2000)
        o.set("max_retries", 0)
        guard let s = try? Session(optionsJSON: o) else { return [] }
        let f = JSON.object()
        f.set("providers", false)
        guard let doc = try? s.catalogue.models(filter: f) else { return [] }
        return (doc["models"]?.elements ?? []).compactMap { $0.string("model_id") }.filter { $0.hasPrefix(prefix) }
    }
}
