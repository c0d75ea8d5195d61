/// When a failed attempt is tried again, and after how long. The rules follow who can have
/// been affected: a request that certainly did not reach the handler may always be repeated;
/// one that may have reached it is repeated only when it is safe (reads), never a submit.
struct RetryPolicy: Sendable {
    let maxRetries: Int
    let retryBaseMs: Int64
    let maxRetryAfterMs: Int64

    init(_ o: ClientOptions) {
        maxRetries = o.maxRetries
        retryBaseMs = o.retryBaseMs
        maxRetryAfterMs = o.maxRetryAfterMs
    }

    /// After an HTTP error response (`err` is its mapped error): how long to wait before the
    /// next attempt, or the error to report.
    func afterResponse(
        _ resp: HTTPResponse, _ err: DC1Error, _ req: HTTPRequest, attempt: Int,
        deadline: Deadline
    ) throws(DC1Error) -> Int64 {
        var err = err
        let waitMs: Int64
        switch resp.status {
        case 429 where err.code == .rateLimited:
            // Limiters reject before the handler runs (§7.1 order), so even a submit may retry.
            waitMs = Int64(err.retryAfterMs ?? 0)
            if waitMs > maxRetryAfterMs {
                err.message += " (Retry-After \(waitMs) ms exceeds max_retry_after_ms)"
                throw err
            }
        case 503:
            let hinted = Int64(ErrorMapping.retryAfterMs(resp, resp.json()) ?? 0)
            waitMs = Swift.min(Swift.max(hinted, backoff(attempt)), maxRetryAfterMs)
        case 502, 504:
            if req.idempotency == .unsafe { err.fateUnknown = true; throw err }
            waitMs = backoff(attempt)
        default:
            throw err
        }
        guard attempt <= maxRetries else { throw err }
        if waitMs >= deadline.remainingMs {
            err.message += " (no time left in the call's deadline to retry)"
            throw err
        }
        return waitMs
    }

    /// After a transport failure that is not an interruption (`err` is its error): how long to
    /// wait before the next attempt, or the error to report.
    func afterFailure(
        _ f: TransportFailure, _ err: DC1Error, _ req: HTTPRequest, attempt: Int,
        deadline: Deadline
    ) throws(DC1Error) -> Int64 {
        var err = err
        switch f.kind {
        case .interrupted, .fatal:
            throw err
        case .tooLarge:
            err.code = .protocolError
            if req.idempotency == .unsafe { err.fateUnknown = true }
            throw err
        case .timeout:
            err.code = .timeout
            if req.idempotency == .unsafe && f.requestSent { err.fateUnknown = true }
            throw err
        case .notSent, .broken, .truncated:
            if f.kind == .truncated { err.code = .protocolError }
            if f.kind != .notSent && req.idempotency == .unsafe {
                err.fateUnknown = true
                throw err
            }
            guard attempt <= maxRetries else { throw err }
            let waitMs = backoff(attempt)
            if waitMs >= deadline.remainingMs { throw err }
            return waitMs
        }
    }

    /// Exponential backoff with equal jitter: half fixed, half random, capped at 8 s.
    func backoff(_ attempt: Int) -> Int64 {
        let exp = Swift.min(retryBaseMs << Int64(Swift.min(attempt - 1, 10)), 8_000)
        return exp / 2 + Random.uniform(exp / 2)
    }
}
