/// Where each line of a batch stands, rebuilt from the journal.
///
/// Journal records (one JSON object a line, "ev" names the kind):
///   {"ev":"batch","version":1,"input","lines","hashes":[…]}     first record
///   {"ev":"intent","line","attempt","t"}          written and fsync'd BEFORE a submit is sent
///   {"ev":"not_created","line","attempt","code"}  the submit certainly created no job
///   {"ev":"submitted","line","attempt","job_id","quote_halala","reconciled"?}
///   {"ev":"job_ended","line","attempt","job_id","status","error"}  a failed attempt (retried)
///   {"ev":"result","line","result":{…}}          the line's final result
///   {"ev":"stop","reason","message"}             a run stopped early (informational)
/// Every record also has "at" (wall-clock seconds).
final class BatchLine {
    let line: Int
    var id: JSON? = nil
    var hash: String = ""
    /// Jobs created for this line so far.
    var attempts = 0
    /// An intent whose outcome is not journalled: the submit may have reached the server.
    var openIntent: (attempt: Int, t: Double)? = nil
    /// The job in flight for this line.
    var jobID: String? = nil
    var quoteHalala = 0
    var result: JSON? = nil
    /// Costs of earlier failed attempts (normally 0: failures are refunded).
    var failedCostHalala = 0
    var lastError: JSON? = nil

    init(line: Int) { self.line = line }

    var isFinal: Bool { result != nil }
}

struct BatchState {
    var header: JSON? = nil
    var lines: [Int: BatchLine] = [:]
    var order: [Int] = []
    var lastStop: JSON? = nil
    var jobIDs: Set<String> = []

    func line(_ n: Int) -> BatchLine? { lines[n] }

    mutating func ensure(_ n: Int) -> BatchLine {
        if let l = lines[n] { return l }
        let l = BatchLine(line: n)
        lines[n] = l
        order.append(n)
        return l
    }

    /// Applies one journal record.
    mutating func apply(_ r: JSON) {
        let ev = r.string("ev")
        if ev == "batch" { header = r; return }
        if ev == "stop" { lastStop = r; return }
        guard let n = r.int("line") else { return }
        let l = ensure(n)
        switch ev {
        case "intent":
            l.openIntent = (r.int("attempt") ?? (l.attempts + 1), r.double("t") ?? 0)
        case "not_created":
            l.openIntent = nil
        case "submitted":
            l.openIntent = nil
            l.attempts = Swift.max(l.attempts, r.int("attempt") ?? (l.attempts + 1))
            l.jobID = r.string("job_id")
            l.quoteHalala = r.int("quote_halala") ?? 0
            if let id = l.jobID { jobIDs.insert(id) }
        case "job_ended":
            l.jobID = nil
            l.failedCostHalala += r.int("cost_halala") ?? 0
            l.lastError = r["error"]
        case "result":
            l.openIntent = nil
            l.jobID = nil
            l.result = r["result"]
            if let a = l.result?.int("attempts") { l.attempts = Swift.max(l.attempts, a) }
            if let id = l.result?.string("job_id") { jobIDs.insert(id) }
        default: break
        }
    }

    static func replay(_ records: [JSON]) -> BatchState {
        var s = BatchState()
        for r in records { s.apply(r) }
        return s
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
        var spent = 0
        var attempts = 0
        let inFlight = JSON.array()
        let unknown = JSON.array()
        var pending = 0
        for n in order.sorted() {
            let l = lines[n]!
            attempts += l.attempts
            spent += l.failedCostHalala
            if let r = l.result {
                let st = r.string("status") ?? "?"
                counts[st, default: 0] += 1
                spent += r.int("cost_halala") ?? 0
            } else if let id = l.jobID {
                let j = JSON.object()
                j.set("line", n)
                j.set("job_id", id)
                j.set("attempts", l.attempts)
                inFlight.append(j)
                spent += l.quoteHalala
            } else if l.openIntent != nil {
                unknown.append(.int(n))
            } else {
                pending += 1
            }
        }
        let total = header?.int("lines") ?? order.count
        let touched = order.count
        pending += Swift.max(total - touched, 0)
        let c = JSON.object()
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) { c.set(k, v) }
        o.set("results", c)
        o.set("completed", counts["completed"] ?? 0)
        o.set(
            "failed",
            (counts["failed"] ?? 0) + (counts["cancelled"] ?? 0) + (counts["invalid"] ?? 0)
                + (counts["error"] ?? 0) + (counts["unknown"] ?? 0))
        o.set("in_flight", inFlight)
        o.set("submit_unknown", unknown)
        o.set("not_submitted", pending)
        o.set("attempts", attempts)
        o.set("spent_halala", spent)
        o.set("spent_sar", Money.sar(spent))
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

extension CoreClient {
    /// dc1_batch_status: reads a journal and says where the batch stands. No network I/O.
    public static func batchStatus(journalPath: String) throws(DC1Error) -> JSON {
        guard !journalPath.isEmpty else { throw .invalid("journal_path is empty") }
        guard let records = try BatchJournal.load(journalPath) else {
            throw DC1Error(.notFound, "no journal at \(journalPath)")
        }
        return BatchState.replay(records).summary(journalPath: journalPath)
    }
}
