import DC1Core

/// The batch runner of the core (docs/batch.md) for Swift callers.
public struct BatchSummary: Sendable {
    public let lines: Int
    public let completed: Int
    /// Lines whose jobs failed, were cancelled or ended unknown.
    public let failed: Int
    /// Lines refused before any job was made (not JSON, not a valid request).
    public let invalid: Int
    public let notSubmitted: Int
    /// Jobs created for the batch, over all runs.
    public let attempts: Int
    /// Jobs created by this run.
    public let jobsCreated: Int
    public let spentHalala: Int
    public let allCompleted: Bool
    /// nil, or why submitting stopped early ("budget"; quota and Ctrl-C are thrown).
    public let stopped: String?
    public let outPath: String

    init(_ j: JSON) {
        lines = j.int("lines") ?? 0
        completed = j.int("completed") ?? 0
        failed = j.int("failed") ?? 0
        invalid = j.int("invalid") ?? 0
        notSubmitted = j.int("not_submitted") ?? 0
        attempts = j.int("attempts") ?? 0
        jobsCreated = j.int("jobs_created") ?? 0
        spentHalala = j.int("spent_halala") ?? 0
        allCompleted = j.bool("all_completed") ?? false
        stopped = j.string("stopped")
        outPath = j.string("out_path") ?? ""
    }
}

extension DC1Client {
    /// Runs or resumes the batch of JSON Lines submit requests at `inputPath`; one result per
    /// line goes to `outPath`. The same `journalPath` resumes without paying twice. `onEvent`
    /// (this thread) gets the core's events; returning false stops the batch (`.interrupted`).
    /// A quota stop throws `.quotaExceeded` once the jobs in flight finished.
    public func runBatch(
        inputPath: String, outPath: String? = nil, journalPath: String? = nil,
        concurrency: Int = 4, maxAttempts: Int = 1, budgetSAR: Double? = nil,
        saveDir: String? = nil, onEvent: ((JSON) -> Bool)? = nil
    ) throws(DC1Error) -> BatchSummary {
        var o = Batch.Options()
        o.outPath = outPath
        o.journalPath = journalPath
        o.concurrency = concurrency
        o.maxAttempts = maxAttempts
        o.budgetSar = budgetSAR
        o.saveDir = saveDir
        do throws(DC1Error) {
            return BatchSummary(try core.batch.run(inputPath: inputPath, options: o, onEvent: onEvent))
        } catch { throw core.redacted(error) }
    }

    /// Where the batch of `journalPath` stands (no network).
    public static func batchStatus(journalPath: String) throws(DC1Error) -> JSON {
        try Batch.status(journalPath: journalPath)
    }
}
