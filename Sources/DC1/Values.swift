import DC1Core

// MARK: - JSON values

/// A JSON document as a Swift value: what the server sent for fields this library does not
/// model (`Job.raw`, `JobOutput.resultJSON`, `DC1Client.request(_:_:body:)`).
///
/// `Sendable`, `Hashable` and `Codable` (it encodes as the JSON it holds), and writable as a
/// literal: `["limit": 5, "tags": ["a", "b"], "live": true]`.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` of an array (nil out of range or for other values).
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The string, for a `.string`.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The integer, for an `.int` or a whole `.double`.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        default: return nil
        }
    }
    /// The number, for an `.int` or a `.double`.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    /// The boolean, for a `.bool`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// Whether this is `.null`.
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// The compact JSON text.
    public var description: String { json.dump() }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    init(_ j: JSON) {
        if j.isObject {
            var o: [String: JSONValue] = [:]
            for k in j.keys { if let v = j[k] { o[k] = JSONValue(v) } }
            self = .object(o)
        } else if j.isArray {
            self = .array(j.elements.map(JSONValue.init))
        } else if j.isString {
            self = .string(j.stringValue ?? "")
        } else if j.isInteger {
            self = .int(j.intValue ?? 0)
        } else if j.isReal {
            self = .double(j.doubleValue ?? 0)
        } else if j.isBool {
            self = .bool(j.boolValue ?? false)
        } else {
            self = .null
        }
    }

    var json: JSON {
        switch self {
        case .null: return .null()
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a):
            let out = JSON.array()
            for v in a { out.append(v.json) }
            return out
        case .object(let o):
            let out = JSON.object()
            for (k, v) in o { out.set(k, v.json) }
            return out
        }
    }
}

// MARK: - Job parameters

/// One value of `JobRequest.params`: a string, a number or a boolean — the only values the
/// server's strict schema accepts there. Written as a literal:
/// `params: ["prompt": "Hello", "max_tokens": 64, "temperature": 0.7, "stream": false]`.
public enum ParamValue: Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        }
    }

    var json: JSON {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        }
    }
}

// MARK: - Open enumerations

/// A string the server defines (a job type, a status, an output kind), as a value open to
/// strings a later server adds: compare with the static members, keep a `default` in a `switch`.
public protocol OpenStringValue: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension OpenStringValue {
    /// The value for a string the server uses.
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    /// Encoded as the bare string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(rawValue)
    }
}

/// A job type. The known ones are static members; any other string the server adds later
/// is a value too (`JobType("training")`), so switching over it needs a `default`.
public struct JobType: OpenStringValue {
    /// The string the server uses.
    public var rawValue: String
    /// The value for a string the server uses.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Text generation from a prompt (`params`: `prompt`, `max_tokens`, `temperature`, …).
    public static let llmInference = JobType("llm_inference")
    /// An image from a prompt (`params`: `prompt`, `width`, `height`, `steps`, …).
    public static let imageGeneration = JobType("image_generation")
    /// A vLLM server exposing an OpenAI-compatible endpoint while it runs.
    public static let vllmServe = JobType("vllm_serve")
    /// Your own container image (`containerSpec`).
    public static let customContainer = JobType("custom_container")
    /// A training run.
    public static let training = JobType("training")
    /// A rendering job.
    public static let rendering = JobType("rendering")
    /// A GPU benchmark.
    public static let benchmark = JobType("benchmark")
    /// A retrieval-augmented generation pipeline.
    public static let ragPipeline = JobType("rag-pipeline")
}

/// A job status. Known statuses are static members; statuses the server adds later are
/// values too. `isTerminal` follows the client rule of the C header (legacy ones included).
public struct JobStatus: OpenStringValue {
    /// The string the server uses.
    public var rawValue: String
    /// The value for a string the server uses.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Submitted, not yet picked up.
    public static let pending = JobStatus("pending")
    /// Waiting for a free provider.
    public static let queued = JobStatus("queued")
    /// Assigned to a provider.
    public static let assigned = JobStatus("assigned")
    /// Starting on the provider.
    public static let starting = JobStatus("starting")
    /// Running (a vllm_serve job serves while running).
    public static let running = JobStatus("running")
    /// Finished successfully.
    public static let completed = JobStatus("completed")
    /// Failed (`Job.error` says why).
    public static let failed = JobStatus("failed")
    /// Cancelled (the unused prepaid cost is refunded).
    public static let cancelled = JobStatus("cancelled")
    /// Legacy terminal statuses.
    public static let done = JobStatus("done")
    /// Legacy: failed for good.
    public static let permanentlyFailed = JobStatus("permanently_failed")
    /// Legacy: ran out of time.
    public static let timedOut = JobStatus("timed_out")
    /// No status was reported.
    public static let unknown = JobStatus("unknown")

    /// Whether the job will not change any more (completed, failed, cancelled, done,
    /// permanently_failed, timed_out).
    public var isTerminal: Bool { DC1Core.JobStatus.isTerminal(rawValue) }
    /// Completed (or the legacy `done`).
    public var isSuccess: Bool { outcome == "succeeded" }
    /// How a terminal status ended: "succeeded", "failed" or "cancelled"; nil before (the
    /// core's reading, as the "outcome" of every job document).
    public var outcome: String? { DC1Core.JobStatus.outcome(rawValue) }
}

/// What kind of output a finished job has.
public struct OutputKind: OpenStringValue {
    /// The string the server uses.
    public var rawValue: String
    /// The value for a string the server uses.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Generated text (`JobOutput.text`).
    public static let text = OutputKind("text")
    /// A PNG image (`JobOutput.imageData`).
    public static let image = OutputKind("image")
    /// A serving vllm_serve job (`JobOutput.endpointURL`).
    public static let endpoint = OutputKind("endpoint")
    /// The object a script printed after `DC1_RESULT_JSON:` (`JobOutput.resultJSON`).
    public static let json = OutputKind("json")
    /// The raw result string (`JobOutput.stdout`).
    public static let raw = OutputKind("raw")
    /// No output (HTTP 204).
    public static let empty = OutputKind("empty")
}

// MARK: - Money

/// An amount of Saudi riyals, kept as integer halala (1 SAR = 100 halala): no float noise.
/// `formatted` is the SAR string the API uses ("12.05").
public struct Money: Sendable, Hashable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The amount in halala.
    public var halala: Int
    /// An amount in halala.
    public init(halala: Int) { self.halala = halala }
    public init(integerLiteral value: Int) { halala = value }

    /// "12.05": whole riyals, a dot, two digits of halala (a leading "-" when negative).
    public var formatted: String {
        let a = halala.magnitude
        let h = a % 100
        return (halala < 0 ? "-" : "") + "\(a / 100)." + (h < 10 ? "0" : "") + "\(h)"
    }
    /// "12.05 SAR".
    public var description: String { formatted + " SAR" }

    public static func < (a: Money, b: Money) -> Bool { a.halala < b.halala }
    public static func + (a: Money, b: Money) -> Money { Money(halala: a.halala + b.halala) }
    public static func - (a: Money, b: Money) -> Money { Money(halala: a.halala - b.halala) }
    /// Nothing.
    public static let zero = Money(halala: 0)

    public init(from decoder: any Decoder) throws { halala = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(halala) }
}
