import DC1Core

/// The renter's money (`GET /api/renters/balance`).
public struct Balance: Sendable, Hashable, Codable {
    /// What the account holds.
    public var balance: Money
    /// Held for running jobs (informational).
    public var held: Money
    /// What a new submit may spend.
    public var available: Money
    /// Spent over the account's life.
    public var totalSpent: Money
    /// Jobs submitted over the account's life.
    public var totalJobs: Int

    /// A balance from its parts (`available` defaults to `balance`).
    public init(
        balance: Money, held: Money = .zero, available: Money? = nil, totalSpent: Money = .zero, totalJobs: Int = 0
    ) {
        self.balance = balance
        self.held = held
        self.available = available ?? balance
        self.totalSpent = totalSpent
        self.totalJobs = totalJobs
    }

    init(_ j: JSON) {
        balance = Money(halala: j.int("balance_halala") ?? 0)
        held = Money(halala: j.int("held_halala") ?? 0)
        available = Money(halala: j.int("available_halala") ?? j.int("balance_halala") ?? 0)
        totalSpent = Money(halala: j.int("total_spent_halala") ?? 0)
        totalJobs = j.int("total_jobs") ?? 0
    }
}

/// The renter's account (`GET /api/renters/me`).
public struct Account: Sendable, Hashable, Codable {
    /// The renter id (what webhook routes are under).
    public var renterID: Int
    /// The account name.
    public var name: String?
    /// The account e-mail.
    public var email: String?
    /// The organisation, if set.
    public var organization: String?
    /// The account-level webhook URL (`DC1Client.setWebhookURL(_:)`).
    public var webhookURL: String?
    /// What the account holds.
    public var balance: Money
    /// Spent over the account's life.
    public var totalSpent: Money
    /// Jobs submitted over the account's life.
    public var totalJobs: Int
    /// The most recent jobs (up to 20), in their short form.
    public var recentJobs: [Job]
    /// Everything the server sent.
    public var raw: JSONValue

    init(_ j: JSON) {
        let r = j["renter"] ?? .object()
        renterID = r.int("id") ?? 0
        name = r.string("name")
        email = r.string("email")
        organization = r.string("organization")
        webhookURL = r.string("webhook_url")
        balance = Money(halala: r.int("balance_halala") ?? 0)
        totalSpent = Money(halala: r.int("total_spent_halala") ?? 0)
        totalJobs = r.int("total_jobs") ?? 0
        recentJobs = j["recent_jobs"]?.elements.map(Job.init) ?? []
        raw = JSONValue(j)
    }
}

/// Which providers `DC1Client.providers(_:)` lists.
public struct ProviderFilter: Sendable, Hashable, Codable {
    /// Only providers with a recent heartbeat.
    public var liveOnly: Bool
    /// At least this much GPU memory.
    public var minVRAMGB: Double?
    /// A GPU model substring, e.g. "H100".
    public var gpuModel: String?
    /// A filter; the defaults list every provider.
    public init(liveOnly: Bool = false, minVRAMGB: Double? = nil, gpuModel: String? = nil) {
        self.liveOnly = liveOnly
        self.minVRAMGB = minVRAMGB
        self.gpuModel = gpuModel
    }
    /// Every provider.
    public static let all = ProviderFilter()
    /// Live providers only.
    public static let live = ProviderFilter(liveOnly: true)
}

/// A provider GPU (`GET /api/renters/available-providers`).
public struct Provider: Sendable, Hashable, Codable, Identifiable {
    /// The provider id (`JobRequest.providerID`).
    public var id: Int
    /// The provider's display name.
    public var name: String
    /// The GPU model, e.g. "NVIDIA H100 80GB".
    public var gpuModel: String?
    /// GPU memory in GB.
    public var vramGB: Double?
    /// GPU memory in MiB.
    public var vramMiB: Int?
    /// GPUs on the machine.
    public var gpuCount: Int?
    /// The provider's status ("online", "busy", …).
    public var status: String?
    /// Whether it sent a heartbeat recently.
    public var isLive: Bool
    /// Where it is, e.g. "Riyadh".
    public var location: String?
    /// The server's reliability score.
    public var reliabilityScore: Double?
    /// Models already on the provider's disk (a vllm_serve job starts faster there).
    public var cachedModels: [String]

    init(_ j: JSON) {
        id = j.int("id") ?? 0
        name = j.string("name") ?? ""
        gpuModel = j.string("gpu_model")
        vramGB = j.double("vram_gb")
        vramMiB = j.int("vram_mib")
        gpuCount = j.int("gpu_count")
        status = j.string("status")
        isLive = j.bool("is_live") ?? false
        location = j.string("location")
        reliabilityScore = j.double("reliability_score")
        cachedModels = j["cached_models"]?.elements.compactMap { $0.stringValue } ?? []
    }
}

/// A job: the job document of include/dc1.h. `raw` keeps every field the server sent.
public struct Job: Sendable, Hashable, Codable, Identifiable {
    /// The id every call takes, e.g. "job-1733051234-ab12cd".
    public var jobID: String
    /// `Identifiable`: the job id.
    public var id: String { jobID }
    /// The numeric row id.
    public var rowID: Int?
    /// The status when this was read.
    public var status: JobStatus
    /// The job type.
    public var jobType: JobType?
    /// The provider it runs on (nil while unassigned).
    public var providerID: Int?
    /// The model, where the job type has one.
    public var model: String?
    /// The booked duration.
    public var durationMinutes: Double?
    /// The prepaid cost.
    public var cost: Money?
    /// The final cost (after the job ended; the rest is refunded).
    public var actualCost: Money?
    /// A vllm_serve job's OpenAI-compatible base URL while it serves.
    public var endpointURL: String?
    /// Why it failed, for a failed job.
    public var error: String?
    /// When it was submitted (ISO 8601, as the server sent it).
    public var submittedAt: String?
    /// When it started running.
    public var startedAt: String?
    /// When it ended.
    public var completedAt: String?
    /// Everything the server sent.
    public var raw: JSONValue
    /// What the checks before paying found on a submit sent with `check: "warn"` (nil
    /// otherwise): a model the catalogue lacks, a param of the wrong type.
    public var checkWarnings: [FieldError]?

    /// Whether the job will not change any more.
    public var isTerminal: Bool { status.isTerminal }

    init(_ j: JSON) {
        raw = JSONValue(j)
        jobID = j.string("job_id") ?? ""
        rowID = j.int("id")
        status = JobStatus(j.string("status") ?? "unknown")
        jobType = j.string("job_type").map { JobType($0) }
        providerID = j.int("provider_id")
        model = j.string("model")
        durationMinutes = j.double("duration_minutes")
        cost = j.int("cost_halala").map(Money.init(halala:))
        actualCost = j.int("actual_cost_halala").map(Money.init(halala:))
        endpointURL = j.string("endpoint_url").flatMap { $0.isEmpty ? nil : $0 }
        error = j.string("error")
        submittedAt = j.string("submitted_at")
        startedAt = j.string("started_at")
        completedAt = j.string("completed_at")
    }
}

/// The light poll (`GET /api/jobs/{id}/status`).
public struct JobProgress: Sendable, Hashable, Codable {
    /// The job id.
    public var jobID: String
    /// The status when this was read.
    public var status: JobStatus
    /// Tokens generated so far (LLM jobs).
    public var tokensGenerated: Int?
    /// Seconds since it started.
    public var elapsedSeconds: Double?
    /// Whether its provider is online.
    public var providerOnline: Bool?
    /// Whether the job will not change any more.
    public var isTerminal: Bool { status.isTerminal }

    init(_ j: JSON) {
        jobID = j.string("job_id") ?? ""
        status = JobStatus(j.string("status") ?? "unknown")
        tokensGenerated = j.int("tokens_generated")
        elapsedSeconds = j.double("elapsed_seconds")
        providerOnline = j.bool("provider_online")
    }
}

/// What to submit: the REST body of the guide, typed.
///
/// ```swift
/// let request = JobRequest(jobType: .llmInference, durationMinutes: 1,
///                          params: ["prompt": "Hello", "max_tokens": 64])
/// ```
/// It is checked locally against the server's strict schema before anything is sent: an
/// unknown job type or a `durationMinutes` outside 0.1–1440 throws `.validation`, naming the
/// field in the error's `fields`.
public struct JobRequest: Sendable, Hashable, Codable {
    /// What to run (`.llmInference`, `.imageGeneration`, `.vllmServe`, `.customContainer`, …).
    public var jobType: JobType
    /// 0.1–1440. The prepaid cost is computed from it; unused time is refunded.
    public var durationMinutes: Double
    /// The workload's parameters: strings, numbers and booleans only.
    public var params: [String: ParamValue]
    /// A provider to run on (nil: automatic routing).
    public var providerID: Int?
    /// 0–10.
    public var priority: Int?
    /// A model id (vllm_serve: the model to serve).
    public var model: String?
    /// A hard limit on the run time.
    public var maxDurationSeconds: Int?
    /// custom_container: `{"image": "…", "command": […], …}`.
    public var containerSpec: JSONValue?
    /// e.g. `["min_vram_gb": 24, "gpu_type": "H100"]`.
    public var gpuRequirements: JSONValue?
    /// Environment variables for the workload.
    public var envVars: [String: String]?
    /// The checks before paying (include/dc1.h, "check"): "off" (the default for Swift, as
    /// for C: no extra request), "warn" (send; the findings are the returned job's
    /// `checkWarnings`) or "strict" (throw `.validation` naming each finding; nothing sent).
    public var check: String?
    /// Other members of the REST body, sent as they are.
    public var extra: [String: JSONValue]

    /// A request; only `jobType` and `durationMinutes` are required.
    public init(
        jobType: JobType, durationMinutes: Double, params: [String: ParamValue] = [:],
        providerID: Int? = nil, priority: Int? = nil, model: String? = nil,
        maxDurationSeconds: Int? = nil, containerSpec: JSONValue? = nil,
        gpuRequirements: JSONValue? = nil, envVars: [String: String]? = nil,
        extra: [String: JSONValue] = [:]
    ) {
        self.jobType = jobType
        self.durationMinutes = durationMinutes
        self.params = params
        self.providerID = providerID
        self.priority = priority
        self.model = model
        self.maxDurationSeconds = maxDurationSeconds
        self.containerSpec = containerSpec
        self.gpuRequirements = gpuRequirements
        self.envVars = envVars
        self.extra = extra
    }

    /// The REST body.
    public var body: JSONValue { JSONValue(json) }

    var json: JSON {
        let o = JSON.object()
        for (k, v) in extra { o.set(k, v.json) }
        o.set("job_type", jobType.rawValue)
        o.set("duration_minutes", durationMinutes)
        let p = JSON.object()
        for (k, v) in params { p.set(k, v.json) }
        o.set("params", p)
        if let providerID { o.set("provider_id", providerID) }
        if let priority { o.set("priority", priority) }
        if let model { o.set("model", model) }
        if let maxDurationSeconds { o.set("max_duration_seconds", maxDurationSeconds) }
        if let containerSpec { o.set("container_spec", containerSpec.json) }
        if let gpuRequirements { o.set("gpu_requirements", gpuRequirements.json) }
        if let envVars {
            let e = JSON.object()
            for (k, v) in envVars { e.set(k, v) }
            o.set("env_vars", e)
        }
        if let check { o.set("check", check) }
        return o
    }
}

/// The output of a finished job, in one shape for every job type.
public struct JobOutput: Sendable, Hashable, Codable {
    /// The job id.
    public var jobID: String
    /// The status when this was read.
    public var status: JobStatus
    /// Which of the fields below hold the output.
    public var kind: OutputKind
    /// Kind `.text`: the generated text (kind `.json`: the stdout before the marker).
    public var text: String?
    /// Tokens generated so far (LLM jobs).
    public var tokensGenerated: Int?
    /// Kind `.image`: the PNG as base64 (`imageData` decodes it).
    public var imageBase64: String?
    /// Image width in pixels.
    public var width: Int?
    /// Image height in pixels.
    public var height: Int?
    /// Kind `.endpoint`.
    public var endpointURL: String?
    /// Kind `.json`.
    public var resultJSON: JSONValue?
    /// Kinds `.json` and `.raw`: the raw result string.
    public var stdout: String?
    /// The image failed the server's sanity check (HTTP 206).
    public var truncated: Bool
    /// The final cost.
    public var actualCost: Money?
    /// Everything the server sent.
    public var raw: JSONValue

    /// The decoded bytes of an image output.
    public var imageData: [UInt8]? { imageBase64.flatMap { Base64.decode($0.utf8) } }

    init(_ j: JSON) {
        raw = JSONValue(j)
        jobID = j.string("job_id") ?? ""
        status = JobStatus(j.string("status") ?? "unknown")
        kind = OutputKind(j.string("kind") ?? "raw")
        text = j.string("text")
        tokensGenerated = j.int("tokens_generated")
        imageBase64 = j.string("image_base64")
        width = j.int("width")
        height = j.int("height")
        endpointURL = j.string("endpoint_url")
        resultJSON = j["result_json"].map(JSONValue.init)
        stdout = j.string("stdout")
        truncated = j.bool("truncated") ?? false
        actualCost = j.int("actual_cost_halala").map(Money.init(halala:))
    }
}

/// What `DC1Client.saveImage(_:to:)` wrote.
public struct SavedImage: Sendable, Hashable, Codable {
    /// The file written.
    public var path: String
    /// Bytes written.
    public var bytes: Int
    /// Image width in pixels.
    public var width: Int?
    /// Image height in pixels.
    public var height: Int?
    /// The image failed the server's sanity check (HTTP 206).
    public var truncated: Bool
    init(_ j: JSON) {
        path = j.string("path") ?? ""
        bytes = j.int("bytes") ?? 0
        width = j.int("width")
        height = j.int("height")
        truncated = j.bool("truncated") ?? false
    }
}

/// One line of a job's log.
public struct LogLine: Sendable, Hashable, Codable {
    /// 1-based; pass the last one seen as `since` to resume.
    public var lineNo: Int
    /// "info", "warn", "error", …
    public var level: String
    /// The text of the line.
    public var message: String
    /// When it was logged.
    public var loggedAt: String?
    /// A log line.
    public init(lineNo: Int, level: String, message: String, loggedAt: String? = nil) {
        self.lineNo = lineNo
        self.level = level
        self.message = message
        self.loggedAt = loggedAt
    }
    init(_ j: JSON) {
        lineNo = j.int("line_no") ?? 0
        level = j.string("level") ?? "info"
        message = j.string("message") ?? j.string("line") ?? ""
        loggedAt = j.string("logged_at")
    }
}

/// One page of a job's log (`DC1Client.logs(_:since:limit:)`).
public struct LogPage: Sendable, Hashable, Codable {
    /// The job id.
    public var jobID: String
    /// The status when this was read.
    public var status: JobStatus
    /// The lines of this page, in order.
    public var lines: [LogLine]
    /// Lines the job has logged in all.
    public var totalLines: Int?
    /// More lines follow `nextSince` already.
    public var hasMore: Bool
    /// Pass as `since` to read the next page.
    public var nextSince: Int
    init(_ j: JSON, since: Int) {
        jobID = j.string("job_id") ?? ""
        status = JobStatus(j.string("status") ?? "unknown")
        lines = j["logs"]?.elements.map(LogLine.init) ?? []
        totalLines = j.int("total_lines")
        hasMore = j.bool("has_more") ?? false
        nextSince = j.int("next_since") ?? lines.last?.lineNo ?? since
    }
}

/// What a wait sees, as `DC1Client.events(for:options:)` delivers it.
public enum WaitEvent: Sendable, Hashable {
    /// The status changed (the first status seen included). `job` is the document that carried
    /// it (a full job, or the light status from a poll or the stream).
    case status(JobStatus, previous: JobStatus?, job: JSONValue)
    /// A transient failure the wait rides out (it goes on until its deadline).
    case retry(code: DC1Code, message: String)
    /// Every `tickInterval` while the wait waits: time so far and left, requests made.
    case tick(status: JobStatus?, elapsed: Duration, remaining: Duration, attempts: Int)
    /// The last event: the wait ended with this job.
    case finished(Job)

    init?(_ e: JSON) {
        switch e.string("type") {
        case "status":
            self = .status(
                JobStatus(e.string("status") ?? "unknown"), previous: e.string("previous").map { JobStatus($0) },
                job: e["job"].map(JSONValue.init) ?? .null)
        case "retry":
            let code = DC1Code.allCases.first { $0.name == e.string("code") } ?? .internal
            self = .retry(code: code, message: e.string("message") ?? "")
        case "tick":
            self = .tick(
                status: e.string("status").map { JobStatus($0) },
                elapsed: .milliseconds(e.int("elapsed_ms") ?? 0),
                remaining: .milliseconds(e.int("remaining_ms") ?? 0), attempts: e.int("attempts") ?? 0)
        default: return nil
        }
    }
}

/// How a wait waits (`DC1Client.wait(_:timeout:options:)`, `events(for:options:)`).
public struct WaitOptions: Sendable, Hashable {
    /// The first polling interval (it grows ×1.5 up to `maxPollInterval`).
    public var pollInterval: Duration
    /// The longest polling interval.
    public var maxPollInterval: Duration
    /// Follow the status stream instead of polling (falls back to polling by itself).
    public var useStream: Bool
    /// Cancel the job when the wait times out.
    public var cancelOnTimeout: Bool
    /// How often `events(for:)` delivers a `.tick` (50 ms – 60 s).
    public var tickInterval: Duration
    /// Wait options; the defaults suit most waits.
    public init(
        pollInterval: Duration = .seconds(1), maxPollInterval: Duration = .seconds(10), useStream: Bool = true,
        cancelOnTimeout: Bool = false, tickInterval: Duration = .milliseconds(250)
    ) {
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.useStream = useStream
        self.cancelOnTimeout = cancelOnTimeout
        self.tickInterval = tickInterval
    }
    /// The defaults: poll from 1 s up to 10 s, follow the stream, tick every 250 ms.
    public static let `default` = WaitOptions()
}

// MARK: chat

/// One chat message.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// "system", "user" or "assistant".
    public var role: String
    /// The text.
    public var content: String
    /// A message.
    public init(role: String, content: String) { self.role = role; self.content = content }
    /// A system message.
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    /// A user message.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    /// An assistant message (earlier turns of the conversation).
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

/// One OpenAI-compatible chat completion request: to DC1's `/v1` (with the API key) or, with
/// `endpointURL`, directly to a vllm_serve job's endpoint (the key is never sent there).
public struct ChatRequest: Sendable, Hashable, Codable {
    /// The model id, e.g. "TinyLlama/TinyLlama-1.1B-Chat-v1.0".
    public var model: String
    /// The conversation so far.
    public var messages: [ChatMessage]
    /// The most tokens to generate.
    public var maxTokens: Int?
    /// Sampling temperature.
    public var temperature: Double?
    /// A vllm_serve job's endpoint (`Job.endpointURL`), e.g. "http://host:8000/v1".
    public var endpointURL: String?
    /// The whole call's deadline (default: the client's timeout).
    public var timeout: Duration?
    /// Any other OpenAI field, sent as it is.
    public var extra: [String: JSONValue]

    /// A chat request; only `model` and `messages` are required.
    public init(
        model: String, messages: [ChatMessage], maxTokens: Int? = nil, temperature: Double? = nil,
        endpointURL: String? = nil, timeout: Duration? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.endpointURL = endpointURL
        self.timeout = timeout
        self.extra = extra
    }

    func json(stream: Bool) -> JSON {
        let o = JSON.object()
        for (k, v) in extra { o.set(k, v.json) }
        o.set("model", model)
        let m = JSON.array()
        for msg in messages {
            let e = JSON.object()
            e.set("role", msg.role)
            e.set("content", msg.content)
            m.append(e)
        }
        o.set("messages", m)
        if let maxTokens { o.set("max_tokens", maxTokens) }
        if let temperature { o.set("temperature", temperature) }
        if let endpointURL { o.set("endpoint_url", endpointURL) }
        if let timeout { o.set("timeout_ms", Int(timeout.milliseconds)) }
        o.set("stream", stream)
        if stream { o.set("tick_ms", 100) }
        return o
    }
}

/// A chat completion's answer.
public struct ChatResponse: Sendable, Hashable, Codable {
    /// The first choice's text.
    public var content: String
    /// Why generation stopped ("stop", "length").
    public var finishReason: String?
    /// The model that answered (the router may pick a concrete one).
    public var model: String?
    /// Tokens in the prompt (when the server reports usage).
    public var promptTokens: Int?
    /// Tokens generated.
    public var completionTokens: Int?
    /// Everything the server sent.
    public var raw: JSONValue
    init(_ j: JSON) {
        content = j.string("content") ?? ""
        finishReason = j.string("finish_reason")
        model = j.string("model")
        promptTokens = j["usage"]?.int("prompt_tokens")
        completionTokens = j["usage"]?.int("completion_tokens")
        raw = JSONValue(j)
    }
}

// MARK: webhooks

/// A registered webhook (§12.2).
public struct Webhook: Sendable, Hashable, Codable, Identifiable {
    /// The webhook id (`deleteWebhook(_:)`).
    public var id: String
    /// Where deliveries go.
    public var url: String
    /// The events it receives, e.g. "job.completed".
    public var events: [String]
    /// False once deleted.
    public var active: Bool
    /// When it was registered.
    public var createdAt: String?
    init(_ j: JSON) {
        id = j.string("id") ?? ""
        url = j.string("url") ?? ""
        events = j["events"]?.elements.compactMap { $0.stringValue } ?? []
        active = j.bool("active") ?? true
        createdAt = j.string("created_at")
    }
}

/// A webhook delivery, in one shape whichever of the server's three shapes it came in.
public struct WebhookEvent: Sendable, Hashable, Codable {
    /// e.g. "job.completed".
    public var event: String?
    /// The job the delivery is about.
    public var jobID: String?
    /// The job's status (the legacy "done" reads as `.completed`).
    public var status: JobStatus?
    /// Job id plus status: deliveries repeat, so keep the keys you handled.
    public var dedupeKey: String
    /// The job's cost, when the delivery carries it.
    public var cost: Money?
    /// Everything the server sent.
    public var raw: JSONValue
    init(_ j: JSON) {
        event = j.string("event")
        jobID = j.string("job_id")
        status = j.string("status").map { JobStatus($0) }
        dedupeKey = j.string("dedupe_key") ?? ""
        cost = j.int("cost_halala").map(Money.init(halala:))
        raw = j["raw"].map(JSONValue.init) ?? .null
    }
}

/// The answer of `DC1Client.request(_:_:body:)`.
public struct RawResponse: Sendable, Hashable, Codable {
    /// The HTTP status.
    public var httpStatus: Int
    /// The X-Request-ID of the answer.
    public var requestID: String?
    /// The parsed JSON body (a string for a non-JSON body, null when empty).
    public var body: JSONValue
    init(_ j: JSON) {
        httpStatus = j.int("http_status") ?? 0
        requestID = j.string("request_id")
        body = j["body"].map(JSONValue.init) ?? .null
    }
}

extension Duration {
    /// Whole milliseconds (at least 1 for a positive duration).
    var milliseconds: Int64 {
        let (s, a) = components
        let ms = s * 1000 + a / 1_000_000_000_000_000
        return ms == 0 && (s > 0 || a > 0) ? 1 : ms
    }
}
