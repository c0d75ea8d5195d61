/// One OpenAI-compatible chat completion (§11.2), against /v1 (Bearer auth) or directly
/// against a vllm_serve job's endpoint (no DCP auth; the key is never sent there).
extension Streams {
    public func chat(_ request: JSON?, onToken: ((JSON) -> Bool)?) throws(DC1Error) -> JSON {
        guard let request, request.isObject else { throw .invalid("request_json must be a JSON object") }
        let body = request.deepCopy()
        guard let model = body.string("model"), !model.isEmpty else {
            throw .invalid("chat: model (a string) is required")
        }
        _ = model
        guard let messages = body["messages"], messages.isArray, messages.count > 0 else {
            throw .invalid("chat: messages must be a non-empty array")
        }
        for (i, m) in messages.elements.enumerated() {
            guard m.isObject, m["content"]?.isString ?? false else {
                throw .invalid("chat: messages[\(i)].content must be a string (the server drops other content)")
            }
        }
        let endpoint = body.string("endpoint_url")
        var timeout = session.options.timeoutMs
        if let t = body["timeout_ms"] {
            guard let v = t.intValue, v > 0 else { throw .invalid("chat: timeout_ms must be a positive integer") }
            timeout = Int64(v)
        }
        var tickMs: Int64? = nil
        if let t = body["tick_ms"] {
            guard let v = t.intValue, (50...60_000).contains(v) else {
                throw .invalid("chat: tick_ms must be an integer 50–60000")
            }
            tickMs = Int64(v)
        }
        body.remove("endpoint_url")
        body.remove("timeout_ms")
        body.remove("tick_ms")
        let streaming = body.bool("stream") ?? false
        if streaming && onToken == nil { body.set("stream", false) }

        var req = HTTPRequest(method: "POST", path: "/v1/chat/completions", body: nil, idempotency: .safe)
        if let endpoint {
            // the same OpenAI root as a job document's openai_base_url
            let base = JobDocuments.openAIBaseURL(endpoint)
            let lower = base.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
                !base.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
            else {
                throw .invalid("chat: endpoint_url must be an http(s) URL")
            }
            req.absoluteURL = base + "/chat/completions"
            req.auth = .none
        } else {
            try session.requireKey("chat")
            req.auth = .bearer
            for w in SubmitSchema.sanitiserWarnings(messages) { session.log(.warn, "chat: messages" + w) }
            // §13: a non-streaming /v1 call replays under the same key, so a retry cannot bill twice.
            if !(streaming && onToken != nil) {
                req.extraHeaders.append("Idempotency-Key: dc1-" + Random.hex(bytes: 16))
            }
        }
        req.body = body.dumpBytes()

        if !(streaming && onToken != nil) {
            let doc = try session.sendJSON(req, timeoutMs: timeout)
            let choice = doc["choices"]?[0]
            doc.set("content", choice?["message"]?.string("content") ?? "")
            if let f = choice?.string("finish_reason") { doc.set("finish_reason", f) }
            return doc
        }

        // Streaming: relay each chunk's delta; a chat stream cannot resume, so no reconnects.
        req.idempotency = .unsafe
        let onToken = onToken!
        return try withTicks(tickMs, onToken) { (hook) throws(DC1Error) -> JSON in
            var content = ""
            var chunks = 0
            var finish: String? = nil
            var usage: JSON? = nil
            var routedModel: String? = nil
            var sawDone = false
            let token = session.interruptToken()
            let end: ConnectionEnd
            do throws(DC1Error) {
                end = try sseConnection(req, deadline: Deadline(afterMs: timeout), idleMs: timeout, token: token) {
                    ev in
                    if ev.data == "[DONE]" { sawDone = true; return .end }
                    guard let chunk = try? JSON.parse(ev.data), chunk.isObject else { return .more }
                    chunks += 1
                    if let m = chunk.string("model") { routedModel = m }
                    if let u = chunk["usage"], u.isObject { usage = u }
                    let choice = chunk["choices"]?[0]
                    if let f = choice?.string("finish_reason") { finish = f }
                    let piece = choice?["delta"]?.string("content") ?? ""
                    if piece.isEmpty { return .more }
                    content += piece
                    let t = JSON.object()
                    t.set("type", "token")
                    t.set("content", piece)
                    t.set("chunk", chunk)
                    return onToken(t) ? .more : .stop
                }
            } catch  where error.code == .interrupted && hook?.stopped == true {
                end = .finished(stopped: true)
            }
            let out = JSON.object()
            out.set("content", content)
            out.set("chunks", chunks)
            if let finish { out.set("finish_reason", finish) }
            if let usage { out.set("usage", usage) }
            if let routedModel { out.set("model", routedModel) }
            switch end {
            case .finished(let stopped): out.set("ended", stopped ? "stopped" : "done")
            case .dropped(let why):
                var e = DC1Error(.network, "chat stream cut before [DONE]: \(why)")
                e.setDetail("partial", out)
                throw e
            }
            out.set("complete", sawDone)
            return out
        }
    }
}
