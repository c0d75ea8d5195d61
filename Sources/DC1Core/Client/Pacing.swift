/// What the server has said about its limits, per route, learnt from every response a session
/// receives: a 429's Retry-After, or RateLimit-Remaining at 0 with its RateLimit-Reset. The
/// batch runner reads it before each submit; it replaces a per-thread callback.
public final class Pacing: @unchecked Sendable {
    private let lock = Lock()
    private var notBefore: [String: Int64] = [:]

    public init() {}

    /// Records one response of `method path` (the query is ignored).
    func observe(_ resp: HTTPResponse, method: String, path: String) {
        let now = Clock.nowMs()
        var until: Int64? = nil
        if resp.status == 429, let ra = ErrorMapping.retryAfterMs(resp, resp.json()) {
            until = now + Int64(ra)
        } else if let rem = resp.header("ratelimit-remaining").flatMap({ Int($0.trimmingSpaces) }), rem <= 0,
            let reset = resp.header("ratelimit-reset").flatMap({ Double($0.trimmingSpaces) })
        {
            until = now + Int64(reset * 1000) + 50
        }
        guard let until else { return }
        let key = Pacing.key(method, path)
        lock.withLock { notBefore[key] = Swift.max(notBefore[key] ?? 0, until) }
    }

    /// The monotonic time (Clock.nowMs) before which the server asked not to be sent `method
    /// path` again; 0 when it asked nothing.
    public func notBeforeMs(_ method: String, _ path: String) -> Int64 {
        let key = Pacing.key(method, path)
        return lock.withLock { notBefore[key] ?? 0 }
    }

    static func key(_ method: String, _ path: String) -> String {
        method + " " + ErrorMapping.routeForMessages(path)
    }
}

/// The outputs of completed jobs this client read, newest kept (they never change once a job
/// completed, so a second read of the job can skip the request).
final class OutputCache: @unchecked Sendable {
    private let lock = Lock()
    private let capacity: Int
    private var order: [String] = []
    private var items: [String: JSON] = [:]

    init(capacity: Int) { self.capacity = capacity }

    func get(_ id: String) -> JSON? { lock.withLock { items[id] } }

    func put(_ id: String, _ doc: JSON) {
        lock.withLock {
            if items[id] == nil {
                order.append(id)
                if order.count > capacity { items.removeValue(forKey: order.removeFirst()) }
            }
            items[id] = doc
        }
    }
}
