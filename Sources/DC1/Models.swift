import DC1Core

/// GET /api/renters/balance. Money is integer halala (1 SAR = 100 halala).
public struct Balance: Sendable, Equatable {
    public var balanceHalala: Int
    public var heldHalala: Int
    public var availableHalala: Int
    public var totalSpentHalala: Int
    public var totalJobs: Int
    public var balanceSAR: Double { Double(balanceHalala) / 100 }

    init(_ j: JSON) {
        balanceHalala = j.int("balance_halala") ?? 0
        heldHalala = j.int("held_halala") ?? 0
        availableHalala = j.int("available_halala") ?? balanceHalala
        totalSpentHalala = j.int("total_spent_halala") ?? 0
        totalJobs = j.int("total_jobs") ?? 0
    }
}

/// A provider GPU from /api/renters/available-providers.
public struct Provider: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var gpuModel: String?
    public var vramGB: Double?
    public var vramMiB: Int?
    public var gpuCount: Int?
    public var status: String?
    public var isLive: Bool
    public var location: String?
    public var reliabilityScore: Double?
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

/// A job as the job document of include/dc1.h describes it. `raw` keeps every field.
public struct Job: Sendable {
    public var jobID: String
    public var id: Int?
    public var status: String
    public var jobType: String?
    public var providerID: Int?
    public var model: String?
    public var durationMinutes: Double?
    public var costHalala: Int?
    public var actualCostHalala: Int?
    public var endpointURL: String?
    public var error: String?
    public var submittedAt: String?
    public var startedAt: String?
    public var completedAt: String?
    public var isTerminal: Bool
    public let raw: JSON

    init(_ j: JSON) {
        raw = j
        jobID = j.string("job_id") ?? ""
        id = j.int("id")
        status = j.string("status") ?? "unknown"
        jobType = j.string("job_type")
        providerID = j.int("provider_id")
        model = j.string("model")
        durationMinutes = j.double("duration_minutes")
        costHalala = j.int("cost_halala")
        actualCostHalala = j.int("actual_cost_halala")
        endpointURL = j.string("endpoint_url")
        error = j.string("error")
        submittedAt = j.string("submitted_at")
        startedAt = j.string("started_at")
        completedAt = j.string("completed_at")
        isTerminal = j.bool("terminal") ?? JobStatus.isTerminal(status)
    }
}

/// The output of a finished job, one shape for every job type.
public struct JobOutput: Sendable {
    public enum Kind: String, Sendable { case text, image, endpoint, json, raw, empty }
    public var kind: Kind
    public var text: String?
    public var tokensGenerated: Int?
    public var imageBase64: String?
    public var width: Int?
    public var height: Int?
    public var endpointURL: String?
    public var resultJSON: JSON?
    public var stdout: String?
    public var truncated: Bool
    public var actualCostHalala: Int?
    public let raw: JSON

    /// The decoded image bytes of an image output.
    public var imageData: [UInt8]? { imageBase64.flatMap { Base64.decode($0.utf8) } }

    init(_ j: JSON) {
        raw = j
        kind = Kind(rawValue: j.string("kind") ?? "raw") ?? .raw
        text = j.string("text")
        tokensGenerated = j.int("tokens_generated")
        imageBase64 = j.string("image_base64")
        width = j.int("width")
        height = j.int("height")
        endpointURL = j.string("endpoint_url")
        resultJSON = j["result_json"]
        stdout = j.string("stdout")
        truncated = j.bool("truncated") ?? false
        actualCostHalala = j.int("actual_cost_halala")
    }
}

/// One log line.
public struct LogLine: Sendable, Equatable {
    public var lineNo: Int
    public var level: String
    public var message: String
    public var loggedAt: String?
}

/// What to submit: the REST body of the guide, typed.
public struct JobRequest: Sendable {
    public enum Param: Sendable { case string(String), int(Int), double(Double), bool(Bool) }
    public var jobType: String
    public var durationMinutes: Double
    public var params: [(String, Param)]
    public var providerID: Int?
    public var priority: Int?
    public var model: String?
    public var maxDurationSeconds: Int?

    public init(jobType: String, durationMinutes: Double, params: [(String, Param)] = [],
                providerID: Int? = nil, priority: Int? = nil, model: String? = nil, maxDurationSeconds: Int? = nil) {
        self.jobType = jobType
        self.durationMinutes = durationMinutes
        self.params = params
        self.providerID = providerID
        self.priority = priority
        self.model = model
        self.maxDurationSeconds = maxDurationSeconds
    }

    var json: JSON {
        let o = JSON.object()
        o.set("job_type", jobType)
        o.set("duration_minutes", durationMinutes)
        let p = JSON.object()
        for (k, v) in params {
            switch v {
            case .string(let s): p.set(k, s)
            case .int(let i): p.set(k, i)
            case .double(let d): p.set(k, d)
            case .bool(let b): p.set(k, b)
            }
        }
        o.set("params", p)
        if let providerID { o.set("provider_id", providerID) }
        if let priority { o.set("priority", priority) }
        if let model { o.set("model", model) }
        if let maxDurationSeconds { o.set("max_duration_seconds", maxDurationSeconds) }
        return o
    }
}
