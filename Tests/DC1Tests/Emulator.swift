import Foundation
import Testing
import DC1

/// The Swift API's tests, one at a time: each starts its own emulator, and the timing tests
/// (a ticker's lag, a cancellation's latency) measure the library, not a machine busy starting
/// a dozen emulators for the tests beside them.
@Suite(.serialized) struct DC1APITests {}

/// Starts the Python emulator (bindings/python/dc1/emulator) for one test and kills it at the
/// end. Tests may use Foundation; the library never does.
final class Emulator: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    let apiKey: String
    /// The control API's token (`?token=` on `/__emulator/…`); empty when it needs none.
    let controlToken: String

    /// - Parameter niceness: run the emulator at this `nice` level, so a timing test measures
    ///   the library rather than the emulator's share of the same cores.
    init(_ extra: [String] = [], niceness: Int = 0) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            (niceness > 0 ? ["nice", "-n", String(niceness)] : []) + [
                "python3", "-m", "dc1.emulator", "--port", "0", "--speed", "20", "--quiet",
                "--allow-loopback-webhooks",
            ] + extra
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = root.appendingPathComponent("bindings/python").path
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let handle = pipe.fileHandleForReading
        while text.components(separatedBy: "\n").count < 4 {  // URL, key, control token
            let d = handle.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 2, lines[0].hasPrefix("DC1_BASE_URL="), lines[1].hasPrefix("DC1_API_KEY=") else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(
                domain: "emulator", code: 1, userInfo: [NSLocalizedDescriptionKey: "emulator did not start: \(text)"])
        }
        baseURL = String(lines[0].dropFirst("DC1_BASE_URL=".count))
        apiKey = String(lines[1].dropFirst("DC1_API_KEY=".count))
        let tokenLine = lines.first { $0.hasPrefix("DC1_EMULATOR_TOKEN=") } ?? "DC1_EMULATOR_TOKEN="
        controlToken = String(tokenLine.dropFirst("DC1_EMULATOR_TOKEN=".count))
    }

    func client(timeout: Duration? = nil) throws(DC1Error) -> DC1Client {
        try DC1Client(apiKey: apiKey, baseURL: baseURL, timeout: timeout)
    }

    /// A control-API call (`/__emulator/…`), made with the library's own raw request.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let query = controlToken.isEmpty ? "" : (path.contains("?") ? "&" : "?") + "token=" + controlToken
        return try await client().request(method, "/__emulator" + path + query, body: body).body
    }

    /// Requests per route pattern ("GET /api/jobs/:id/status": n).
    func requestCounts() async throws -> [String: Int] {
        guard case .object(let o) = try await control("GET", "/counters")["requests"] ?? .null else { return [:] }
        return o.compactMapValues { $0.intValue }
    }

    /// All requests but the control API's.
    func totalRequests() async throws -> Int { try await requestCounts().values.reduce(0, +) }

    /// No limiter, no quota, plenty of money: for the fan-out tests.
    func unlimited() async throws {
        try await control("POST", "/ratelimit", ["enabled": false])
        try await control("POST", "/quota", ["daily_jobs_limit": 100_000, "monthly_spend_limit_halala": 100_000_000])
        let renters = try await control("GET", "/renters")
        if case .array(let rs) = renters["renters"] ?? renters {
            for r in rs {
                if let id = r["id"]?.intValue {
                    try await control("PATCH", "/renters/\(id)", ["balance_halala": 100_000_000])
                }
            }
        }
    }

    deinit {
        // SIGKILL, not terminate(): the child inherits the test thread's signal mask, in which
        // SIGTERM is blocked; and waitUntilExit() can hang on a Swift Testing thread.
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        waitpid(process.processIdentifier, &status, 0)
    }
}

/// Seconds since `start` on the continuous clock.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
