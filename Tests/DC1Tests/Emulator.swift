import Foundation
import Testing
import DC1
import EmulatorLauncher

/// The Swift API's tests, one at a time: each starts its own emulator, and the timing tests
/// (a ticker's lag, a cancellation's latency) measure the library, not a machine busy starting
/// a dozen emulators for the tests beside them.
@Suite(.serialized) struct DC1APITests {}

/// The emulator for one test (Tests/EmulatorLauncher, shared with DC1CoreTests), killed when
/// released; the helpers below reach it through the Swift API.
typealias Emulator = EmulatorLauncher

extension EmulatorLauncher {
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
}

/// Seconds since `start` on the continuous clock.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
