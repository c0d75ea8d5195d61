/// Where each line of a batch stands, rebuilt from the journal.
///
/// Journal records (one JSON object a line, "ev" names the kind):
///   {"ev":"batch","version":2,"input","lines","digest"}   first record ("hashes":[…] in version 1)
///   {"ev":"intent","line","attempt","t"}          written and fsync'd BEFORE a submit is sent
///   {"ev":"not_created","line","attempt","code"}  the submit certainly created no job
///   {"ev":"submitted","line","attempt","job_id","quote_halala","reconciled"?}
///   {"ev":"job_ended","line","attempt","job_id","status","error"}  a failed attempt (retried)
///   {"ev":"result","line","result":{…}}          the line's final result
///   {"ev":"stop","reason","message"}             a run stopped early (informational)
/// Every record also has "at" (wall-clock seconds).
///
/// Memory: a line keeps only what the runner decides with (counts, ids, costs) and where its
/// result record sits in the journal; outputs stay on disk and are streamed into the results
/// file at the end, so a run's memory follows what is in flight, not the number of lines.
struct LineState {
    let line: Int
    /// The input's "id" for the line, as JSON text.
    var idText: String? = nil
    /// Jobs created for this line so far.
    var attempts = 0
    /// An intent whose outcome is not journalled: the submit may have reached the server.
    var openIntent: (attempt: Int, t: Double)? = nil
    /// The job in flight for this line.
    var jobID: String? = nil
    var quoteHalala = 0
    /// Costs of earlier failed attempts (normally 0: failures are refunded).
    var failedCostHalala = 0
    var lastError: JSON? = nil
    /// The final result: its status, job, cost and where its record is in the journal.
    var resultStatus: String? = nil
    var resultJobID: String? = nil
    var resultCostHalala = 0
    var resultRecord: (offset: Int64, length: Int)? = nil

    init(line: Int) { self.line = line }

    var isFinal: Bool { resultStatus != nil }

    var id: JSON? { idText.flatMap { try? JSON.parse($0) } }

    /// What this line adds to the run's running totals.
    var totals: BatchTotals {
        var t = BatchTotals()
        t.spentHalala = failedCostHalala
        if let st = resultStatus {
            if st == "completed" {
                t.done = 1
                t.committedHalala = Swift.max(quoteHalala, resultCostHalala)
            } else if st == "invalid" {
                t.invalid = 1
            } else {
                t.failed = 1
            }
            t.spentHalala += resultCostHalala
        } else if jobID != nil {
            t.inFlight = 1
            t.spentHalala += quoteHalala
            t.committedHalala = quoteHalala
        }
        return t
    }
}

/// Counts kept up to date on every record, so progress events cost nothing per line.
struct BatchTotals {
    var done = 0
    /// Lines whose jobs failed, were cancelled or ended unknown (not the invalid ones).
    var failed = 0
    /// Lines refused before any job was made (not JSON, not a valid request).
    var invalid = 0
    var inFlight = 0
    var spentHalala = 0
    /// What the budget counts: the quote of every job created and not refunded.
    var committedHalala = 0

    static func += (a: inout BatchTotals, b: BatchTotals) {
        a.done += b.done
        a.failed += b.failed
        a.invalid += b.invalid
        a.inFlight += b.inFlight
        a.spentHalala += b.spentHalala
        a.committedHalala += b.committedHalala
    }

    static func -= (a: inout BatchTotals, b: BatchTotals) {
        a.done -= b.done
        a.failed -= b.failed
        a.invalid -= b.invalid
        a.inFlight -= b.inFlight
        a.spentHalala -= b.spentHalala
        a.committedHalala -= b.committedHalala
    }
}

struct BatchState {
    var header: JSON? = nil
    /// One entry per line, in input order (journal order for dc1_batch_status).
    var lines: [LineState] = []
    /// Line number → index in `lines`.
    var index: [Int: Int] = [:]
    var lastStop: JSON? = nil
    var jobIDs: Set<String> = []
    var totals = BatchTotals()
    /// Lines created on first mention (dc1_batch_status, which has no input).
    var createOnMention = false

    mutating func add(line n: Int) -> Int {
        if let i = index[n] { return i }
        lines.append(LineState(line: n))
        index[n] = lines.count - 1
        return lines.count - 1
    }

    /// Applies one journal record found at `at` in the journal.
    mutating func apply(_ r: JSON, at: (offset: Int64, length: Int)?) {
        let ev = r.string("ev")
        if ev == "batch" {
            header = r
            return
        }
        if ev == "stop" {
            lastStop = r
            return
        }
        guard let n = r.int("line") else { return }
        let i: Int
        if let found = index[n] {
            i = found
        } else if createOnMention {
            i = add(line: n)
        } else {
            return
        }
        totals -= lines[i].totals
        defer { totals += lines[i].totals }
        switch ev {
        case "intent":
            lines[i].openIntent = (r.int("attempt") ?? (lines[i].attempts + 1), r.double("t") ?? 0)
        case "not_created":
            lines[i].openIntent = nil
        case "submitted":
            lines[i].openIntent = nil
            lines[i].attempts = Swift.max(lines[i].attempts, r.int("attempt") ?? (lines[i].attempts + 1))
            lines[i].jobID = r.string("job_id")
            lines[i].quoteHalala = r.int("quote_halala") ?? 0
            if let id = lines[i].jobID { jobIDs.insert(id) }
        case "job_ended":
            lines[i].jobID = nil
            lines[i].failedCostHalala += r.int("cost_halala") ?? 0
            lines[i].lastError = r["error"]
        case "result":
            let result = r["result"]
            lines[i].openIntent = nil
            lines[i].jobID = nil
            lines[i].lastError = nil
            lines[i].resultStatus = result?.string("status") ?? "unknown"
            lines[i].resultJobID = result?.string("job_id")
            // The result's cost includes earlier failed attempts; keep them apart.
            lines[i].resultCostHalala = (result?.int("cost_halala") ?? 0) - lines[i].failedCostHalala
            lines[i].resultRecord = at
            if let a = result?.int("attempts") { lines[i].attempts = Swift.max(lines[i].attempts, a) }
            if let id = lines[i].resultJobID { jobIDs.insert(id) }
        default: break
        }
    }

    /// dc1_batch_status: where the batch stands, from the journal alone.
    func summary(journalPath: String) -> JSON {
        let o = JSON.object()
        o.set("journal_path", journalPath)
        if let h = header {
            o.set("input_path", h.string("input"))
            o.set("lines", h.int("lines"))
        }
        var counts: [String: Int] = [:]
        var attempts = 0
        let inFlight = JSON.array()
        let unknown = JSON.array()
        var pending = 0
        for l in lines.sorted(by: { $0.line < $1.line }) {
            attempts += l.attempts
            if let st = l.resultStatus {
                counts[st, default: 0] += 1
            } else if let id = l.jobID {
                let j = JSON.object()
                j.set("line", l.line)
                j.set("job_id", id)
                j.set("attempts", l.attempts)
                inFlight.append(j)
            } else if l.openIntent != nil {
                unknown.append(.int(l.line))
            } else {
                pending += 1
            }
        }
        let total = header?.int("lines") ?? lines.count
        pending += Swift.max(total - lines.count, 0)
        let c = JSON.object()
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) { c.set(k, v) }
        o.set("results", c)
        o.set("completed", counts["completed"] ?? 0)
        o.set("invalid", counts["invalid"] ?? 0)
        o.set(
            "failed",
            (counts["failed"] ?? 0) + (counts["cancelled"] ?? 0) + (counts["error"] ?? 0) + (counts["unknown"] ?? 0))
        o.set("in_flight", inFlight)
        o.set("submit_unknown", unknown)
        o.set("not_submitted", pending)
        o.set("attempts", attempts)
        o.set("spent_halala", totals.spentHalala)
        o.set("spent_sar", Money.sar(totals.spentHalala))
        o.set("finished", inFlight.count == 0 && unknown.count == 0 && pending == 0)
        o.set("all_completed", (counts["completed"] ?? 0) == total)
        if let s = lastStop {
            let st = JSON.object()
            st.set("reason", s.string("reason"))
            st.set("message", s.string("message"))
            st.set("at", s.double("at"))
            o.set("last_stop", st)
        }
        return o
    }
}

extension Batch {
    /// dc1_batch_status: reads a journal and says where the batch stands. No network I/O, no
    /// lock: it reads a journal that a run is writing, too.
    public static func status(journalPath: String) throws(DC1Error) -> JSON {
        guard !journalPath.isEmpty else { throw .invalid("journal_path is empty") }
        var state = BatchState()
        state.createOnMention = true
        let found = try BatchJournal.forEach(journalPath) { (r, offset, length) throws(DC1Error) in
            state.apply(r, at: (offset, length))
        }
        guard found else { throw DC1Error(.notFound, "no journal at \(journalPath)") }
        return state.summary(journalPath: journalPath)
    }
}
