import DC1Core

/// Exit statuses, one per class of failure, so scripts can branch without parsing messages.
/// The table is printed by `dc1 --help` and documented in docs/cli.md; keep the three in step.
enum ExitCode {
    static let ok: Int32 = 0
    static let usage: Int32 = 1
    static let invalid: Int32 = 2
    static let auth: Int32 = 3
    static let notFound: Int32 = 4
    static let balance: Int32 = 5
    static let rateLimited: Int32 = 6
    static let network: Int32 = 7
    static let server: Int32 = 8
    static let jobFailed: Int32 = 9
    static let notReady: Int32 = 10
    static let submitUnknown: Int32 = 11
    static let badSignature: Int32 = 12
    /// `batch run`: a daily or monthly quota stopped submitting (run again later to continue).
    static let batchQuota: Int32 = 20
    /// `batch run`: --budget-sar stopped submitting.
    static let batchBudget: Int32 = 21
    /// `batch run`: another run holds the journal (nothing was submitted).
    static let batchBusy: Int32 = 22
    static let interrupted: Int32 = 130

    static func of(_ code: DC1Code) -> Int32 {
        switch code {
        case .ok: return ok
        case .invalidArgument, .validation, .io: return invalid
        case .auth: return auth
        case .notFound: return notFound
        case .insufficientBalance, .quotaExceeded: return balance
        case .rateLimited: return rateLimited
        case .network, .timeout, .waitTimeout: return network
        case .server, .protocolError, .http, .noMemory, .internal: return server
        case .badSignature: return badSignature
        case .jobFailed, .jobCancelled: return jobFailed
        case .notReady: return notReady
        case .submitUnknown: return submitUnknown
        case .interrupted: return interrupted
        case .busy: return batchBusy
        default: return server
        }
    }

    static let table: [(Int32, String)] = [
        (ok, "success"),
        (usage, "usage error: unknown command or option, missing argument"),
        (
            invalid,
            "invalid argument or validation error (local or HTTP 400); a local file that cannot be read or written"
        ),
        (auth, "authentication: missing, unknown or wrong kind of API key (401/403)"),
        (notFound, "not found: job, provider or route (404)"),
        (balance, "insufficient balance (402) or quota exceeded"),
        (rateLimited, "rate limited (429) after the retries ran out"),
        (network, "network error or a deadline passed (connect, DNS, TLS, --timeout, wait --timeout)"),
        (server, "server error (5xx), protocol error (malformed answer), other HTTP status, internal error"),
        (jobFailed, "the job failed or was cancelled"),
        (notReady, "the job has no output yet"),
        (submitUnknown, "a submit was sent but its answer was lost: the job may exist and be charged"),
        (badSignature, "webhook verify: the signature does not match the body"),
        (batchQuota, "batch run: a quota stopped submitting; run the same command later to continue"),
        (batchBudget, "batch run: --budget-sar stopped submitting"),
        (batchBusy, "batch run: another run is using the journal; nothing was submitted"),
        (interrupted, "interrupted (Ctrl-C)"),
    ]
}
