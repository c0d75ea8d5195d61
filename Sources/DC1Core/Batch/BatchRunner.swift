import Glibc

/// dc1_batch_run: a JSON Lines file of submit requests, run at the server's limits, resumable
/// from its journal without ever paying for a job twice. See docs/batch.md.
public struct Batch: Sendable {
    public let session: Session
    public init(_ session: Session) { self.session = session }

    public struct Options {
        public var outPath: String? = nil
        public var journalPath: String? = nil
        public var concurrency = 4
        public var maxAttempts = 1
        public var budgetSar: Double? = nil
        public var saveDir: String? = nil
        public var wait = Jobs.WaitOptions()
        public var tickMs: Int64 = 500
        /// The whole run's deadline (nil: none). When it passes, the run stops as a stop
        /// would (jobs keep running; run again to resume) and fails with DC1_E_WAIT_TIMEOUT.
        public var timeoutMs: Int64? = nil
        public init() {
            wait.timeoutMs = 3_600_000
        }

        public static func from(_ json: JSON?) throws(DC1Error) -> Options {
            let o = try Opts(
                json, "options",
                allowed: [
                    "out_path", "journal_path", "concurrency", "max_attempts",
                    "budget_sar", "save_dir", "wait", "tick_ms", "timeout_ms",
                ])
            var b = Options()
            b.outPath = try o.string("out_path")
            b.journalPath = try o.string("journal_path")
            if let v = try o.int("concurrency", 1...64) { b.concurrency = v }
            if let v = try o.int("max_attempts", 1...100) { b.maxAttempts = v }
            if let v = try o.double("budget_sar") {
                guard v >= 0 else { throw .invalid("options: budget_sar must be >= 0") }
                b.budgetSar = v
            }
            b.saveDir = try o.string("save_dir")
            if let w = json?["wait"], !w.isNull {
                b.wait = try Jobs.WaitOptions.from(w)
                if w["timeout_ms"] == nil { b.wait.timeoutMs = 3_600_000 }
            }
            if let v = try o.int("tick_ms", 50...60_000) { b.tickMs = Int64(v) }
            if let v = try o.int("timeout_ms", 1...(Int(Int32.max) * 100)) { b.timeoutMs = Int64(v) }
            return b
        }
    }

    /// Runs (or resumes) a batch. `onEvent` is called on this thread; returning false stops
    /// submitting and waiting (the journal stays consistent; run again to resume).
    public func run(
        inputPath: String, options: Options,
        onEvent: ((JSON) -> Bool)?
    ) throws(DC1Error) -> JSON {
        guard !inputPath.isEmpty else { throw .invalid("input_path is empty") }
        try session.requireKey("batch")
        let run = BatchRun(session: session, inputPath: inputPath, options: options, onEvent: onEvent)
        return try run.run()
    }
}

/// What a worker thread hands back to the runner: the job at its end (with its output, or
/// the error that kept the output from being read), or the error that ended the wait. A class,
/// not a multi-payload enum: valgrind reports the enum's outlined destroy as reading
/// uninitialised tag bits.
private final class BatchCompletion {
    let index: Int
    let jobID: String
    let job: JSON?
    let output: JSON?
    let error: DC1Error?

    private init(index: Int, jobID: String, job: JSON?, output: JSON?, error: DC1Error?) {
        self.index = index
        self.jobID = jobID
        self.job = job
        self.output = output
        self.error = error
    }

    static func finished(index: Int, jobID: String, job: JSON, output: JSON?, error: DC1Error?) -> BatchCompletion {
        BatchCompletion(index: index, jobID: jobID, job: job, output: output, error: error)
    }

    static func waitFailed(index: Int, jobID: String, error: DC1Error) -> BatchCompletion {
        BatchCompletion(index: index, jobID: jobID, job: nil, output: nil, error: error)
    }

    var isFinished: Bool { job != nil }
}

/// State shared with the worker threads.
private final class BatchShared: @unchecked Sendable {
    let lock = Lock()
    var completions: [BatchCompletion] = []
    var statusOf: [Int: String] = [:]

    func post(_ c: BatchCompletion) { lock.withLock { completions.append(c) } }
    func take() -> [BatchCompletion] {
        lock.withLock {
            let c = completions
            completions = []
            return c
        }
    }
    func setStatus(_ i: Int, _ s: String?) { lock.withLock { statusOf[i] = s } }
    func status(_ i: Int) -> String? { lock.withLock { statusOf[i] ?? nil } }
    func clearStatus(_ i: Int) { _ = lock.withLock { statusOf.removeValue(forKey: i) } }
}

/// One input line, compactly: where it is in the input file and what reconciliation and the
/// budget need to know of it. The request itself is read again when it is submitted.
private struct BatchInputLine {
    let line: Int
    let offset: Int64
    let length: Int
    let hash: UInt64
    /// job_type|duration_minutes of the normalised request, interned (BatchRun.kinds).
    let kind: Int32
}

/// A queue that also takes a line back at its front (a retried submit goes first).
private struct LineQueue {
    private var items: [Int] = []
    private var head = 0
    private var front: [Int] = []

    var isEmpty: Bool { front.isEmpty && head >= items.count }
    var count: Int { front.count + items.count - head }
    var first: Int? { front.last ?? (head < items.count ? items[head] : nil) }

    mutating func append(_ i: Int) { items.append(i) }
    mutating func pushFront(_ i: Int) { front.append(i) }
    mutating func removeFirst() -> Int {
        if let f = front.popLast() { return f }
        let v = items[head]
        head += 1
        if head > 4096 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return v
    }
}

private final class BatchRun {
    let session: Session
    let inputPath: String
    let outPath: String
    let journalPath: String
    let options: Batch.Options
    let onEvent: ((JSON) -> Bool)?
    let journal: BatchJournal
    /// The whole run's stop: dc1_client_interrupt or a dc1_stop bound to the calling thread.
    let token: InterruptToken
    let deadline: Deadline?
    var lock: BatchLock? = nil
    var state = BatchState()
    var inputs: [BatchInputLine] = []
    /// Lines that are invalid on their face (not JSON, not an object, not a valid request).
    var invalid: [Int: DC1Error] = [:]
    var kinds: [String] = []
    var kindIndex: [String: Int32] = [:]
    /// The largest quote seen per kind, and over all: the budget's estimate for a line.
    var quoteByKind: [Int32: Int] = [:]
    var anyQuote: Int? = nil

    let shared = BatchShared()
    var workers: [Int: (tid: pthread_t, stop: CallStop)] = [:]
    var toSubmit = LineQueue()
    var toWait = LineQueue()

    var userStopped = false
    var timedOut = false
    var submitStop: (reason: String, error: DC1Error)? = nil
    var createdThisRun = 0
    var transientSubmitErrors = 0
    var nextSubmitMs: Int64 = 0
    var lastTickMs: Int64 = 0
    let startedMs = Clock.nowMs()
    var completedThisRun = 0
    var delivering = false

    init(session: Session, inputPath: String, options: Batch.Options, onEvent: ((JSON) -> Bool)?) {
        self.session = session
        self.inputPath = inputPath
        self.options = options
        self.onEvent = onEvent
        self.outPath = options.outPath ?? (inputPath + ".results.jsonl")
        self.journalPath = options.journalPath ?? (inputPath + ".journal")
        self.journal = BatchJournal(path: journalPath, redactor: session.redactor)
        self.token = session.interruptToken()
        self.deadline = options.timeoutMs.map { Deadline(afterMs: $0) }
    }

    // MARK: loading

    static func trimmed(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func space(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 || c == 11 || c == 12 }
        var s = b.startIndex
        var e = b.endIndex
        while s < e, space(b[s]) { s += 1 }
        while e > s, space(b[e - 1]) { e -= 1 }
        return b[s..<e]
    }

    func intern(_ kind: String) -> Int32 {
        if let k = kindIndex[kind] { return k }
        kinds.append(kind)
        kindIndex[kind] = Int32(kinds.count - 1)
        return Int32(kinds.count - 1)
    }

    static func kindOf(_ body: JSON?) -> String {
        "\(body?.string("job_type") ?? "")|\(body?.double("duration_minutes") ?? 0)"
    }

    /// Parses one line: its id, the request without it, the normalised body, or why it is invalid.
    static func parse(_ text: ArraySlice<UInt8>, line n: Int) -> (
        id: JSON?, request: JSON?, body: JSON?, invalid: DC1Error?
    ) {
        do {
            let j = try JSON.parse(Array(text))
            guard j.isObject else {
                return (
                    nil, nil, nil,
                    DC1Error(.validation, "line \(n): a request must be a JSON object, got \(j.typeName)")
                )
            }
            var id: JSON? = nil
            if let v = j["id"] {
                id = v.deepCopy()
                j.remove("id")
            }
            do throws(DC1Error) {
                return (id, j, try SubmitSchema.normalise(j), nil)
            } catch {
                return (id, j, nil, error)
            }
        } catch {
            return (nil, nil, nil, DC1Error(.validation, "line \(n): not valid JSON"))
        }
    }

    func loadInput() throws(DC1Error) {
        guard var reader = try LineReader(inputPath) else {
            throw DC1Error(.io, "cannot open \(inputPath): no such file")
        }
        defer { reader.close() }
        while let raw = try reader.next() {
            let text = BatchRun.trimmed(raw.bytes)
            if text.isEmpty { continue }
            let n = reader.lineNumber
            let p = BatchRun.parse(text, line: n)
            let i = inputs.count
            inputs.append(
                BatchInputLine(
                    line: n, offset: raw.offset + Int64(text.startIndex - raw.bytes.startIndex), length: text.count,
                    hash: BatchFiles.hash(text), kind: intern(BatchRun.kindOf(p.body))))
            _ = state.add(line: n)
            if let id = p.id { state.lines[i].idText = id.dump() }
            if let e = p.invalid { invalid[i] = e }
        }
    }

    /// The request of line `i`, read again from the input (whose hash the journal checked).
    func request(_ i: Int) throws(DC1Error) -> (request: JSON?, body: JSON?) {
        let l = inputs[i]
        let bytes = try Files.read(inputPath, offset: l.offset, count: l.length)
        guard BatchFiles.hash(bytes) == l.hash else {
            throw DC1Error(
                .invalidArgument,
                "the input \(inputPath) changed while the batch was running (line \(l.line)); nothing more is submitted"
            )
        }
        let p = BatchRun.parse(bytes[...], line: l.line)
        return (p.request, p.body)
    }

    /// A digest of every line's number and hash: the journal's header keeps it, so a run on an
    /// edited input is refused.
    func inputDigest() -> String {
        var h = BatchFiles.hash([UInt8]())
        for l in inputs { h = BatchFiles.hash("\(l.line):\(BatchFiles.hex(l.hash));".utf8, seed: h) }
        return BatchFiles.hex(h) + "-\(inputs.count)"
    }

    func loadJournal() throws(DC1Error) {
        let digest = inputDigest()
        try BatchJournal.forEach(journalPath) { (r, offset, length) throws(DC1Error) in
            if r.string("ev") == "batch", state.header == nil {
                let same: Bool
                if let d = r.string("digest") {
                    same = d == digest
                } else if let hashes = r["hashes"] {  // a version-1 journal
                    let old = hashes.elements.compactMap { $0.stringValue }
                    same = old == inputs.map { "\($0.line):" + BatchFiles.hex($0.hash) }
                } else {
                    same = true
                }
                guard same else {
                    throw DC1Error(
                        .invalidArgument,
                        "the input \(inputPath) changed since the journal \(journalPath) was started "
                            + "(lines added, removed or edited); use a new journal for a new batch")
                }
            }
            state.apply(r, at: (offset, length))
            if r.string("ev") == "submitted", let i = state.index[r.int("line") ?? -1] {
                noteQuote(i, r.int("quote_halala") ?? 0)
            }
        }
        if state.header == nil {
            let h = JSON.object()
            h.set("ev", "batch")
            h.set("version", 2)
            h.set("input", inputPath)
            h.set("lines", inputs.count)
            h.set("digest", digest)
            try journal.append(h)
            state.apply(h, at: nil)
        }
    }

    func noteQuote(_ i: Int, _ q: Int) {
        guard q > 0 else { return }
        let k = inputs[i].kind
        quoteByKind[k] = Swift.max(quoteByKind[k] ?? 0, q)
        anyQuote = Swift.max(anyQuote ?? 0, q)
    }

    // MARK: events

    func deliver(_ e: JSON) {
        guard let onEvent, !delivering else { return }
        delivering = true
        let go = onEvent(e)
        delivering = false
        if !go { userStopped = true }
    }

    func counts() -> JSON {
        var running = 0
        var queued = 0
        for (i, _) in workers {
            let st = shared.status(i)
            if st == nil || st == "queued" || st == "pending" { queued += 1 } else { running += 1 }
        }
        // Lines with a job that no worker follows yet (waiting for a free slot) are queued too.
        queued += Swift.max(state.totals.inFlight - workers.count, 0)
        let t = state.totals
        let o = JSON.object()
        o.set("lines", inputs.count)
        o.set("done", t.done)
        o.set("failed", t.failed)
        o.set("invalid", t.invalid)
        o.set("running", running)
        o.set("queued", queued)
        o.set("pending", toSubmit.count)
        o.set("spent_halala", t.spentHalala)
        o.set("spent_sar", Money.sar(t.spentHalala))
        let elapsed = Clock.nowMs() - startedMs
        o.set("elapsed_ms", Int(elapsed))
        o.set("jobs_per_min", elapsed > 0 ? Double(completedThisRun) * 60_000 / Double(elapsed) : 0)
        if let b = options.budgetSar { o.set("budget_sar", b) }
        return o
    }

    func progress(_ type: String = "progress") {
        guard onEvent != nil else { return }
        let o = counts()
        o.set("type", type)
        deliver(o)
    }

    func lineEvent(_ i: Int, _ status: String, extra: JSON? = nil) {
        guard onEvent != nil else { return }
        let s = state.lines[i]
        let e = JSON.object()
        e.set("type", "line")
        e.set("line", s.line)
        if let id = s.id { e.set("id", id) }
        e.set("status", status)
        e.set("job_id", s.jobID ?? s.resultJobID)
        e.set("attempts", s.attempts)
        if let extra { e.merge(extra) }
        deliver(e)
        progress()
    }

    /// Called every poll slice of the runner and from inside a submit: ticks, and whether to go on.
    func pump() -> Bool {
        let now = Clock.nowMs()
        if now - lastTickMs >= options.tickMs {
            lastTickMs = now
            progress("tick")
        }
        if token.isInterrupted { userStopped = true }
        if let deadline, deadline.expired, !timedOut {
            timedOut = true
            userStopped = true
        }
        return !userStopped
    }

    func sleepSlice(_ ms: Int64 = 25) {
        _ = Clock.sleep(ms: ms, stop: { token.isInterrupted })
        _ = pump()
    }

    // MARK: results

    func record(_ ev: String, _ i: Int, _ fill: (JSON) -> Void) throws(DC1Error) {
        let r = JSON.object()
        r.set("ev", ev)
        r.set("line", inputs[i].line)
        fill(r)
        let at = try journal.append(r)
        state.apply(r, at: at)
    }

    func finish(_ i: Int, status: String, jobID: String?, output: JSON?, error: JSON?, costHalala: Int) throws(DC1Error)
    {
        let s = state.lines[i]
        let r = JSON.object()
        r.set("line", s.line)
        if let id = s.id { r.set("id", id) }
        r.set("status", status)
        r.set("job_id", jobID)
        r.set("attempts", s.attempts)
        if let output { r.set("output", output) }
        if let error { r.set("error", error) }
        let cost = costHalala + s.failedCostHalala
        r.set("cost_halala", cost)
        r.set("cost_sar", Money.sar(cost))
        try record("result", i) { $0.set("result", r) }
        let extra = JSON.object()
        if let error { extra.set("error", error) }
        extra.set("cost_halala", cost)
        lineEvent(i, status, extra: extra)
    }

    // MARK: reconciliation

    /// Settles an intent whose submit may have reached the server (a crash, a lost answer),
    /// with the one reconciler submit uses. Returns true when the line has a job or a result;
    /// false when it can be submitted again.
    func settleIntent(_ i: Int, attempt: Int, since: Double) throws(DC1Error) -> Bool {
        let found: SubmitReconciler.Found
        do throws(DC1Error) {
            let body = try request(i).body
            let reconciler = SubmitReconciler(
                session: session,
                alsoKnown: { [unowned self] in
                    self.state.jobIDs.contains($0)
                })
            let hook = TickHook(intervalMs: 100) { [unowned self] in self.pump() }
            found = try hook.run { () throws(DC1Error) -> SubmitReconciler.Found in
                try reconciler.find(body, since: since, token: session.interruptToken())
            }
        } catch {
            // The history cannot be read: the line stays in doubt (the next run settles it)
            // and nothing more is submitted now.
            if error.code == .interrupted { userStopped = true } else { stopSubmitting("error", error) }
            return true
        }
        switch found {
        case .job(let j):
            try adopt(i, attempt: attempt, job: j)
            return true
        case .none:
            try record("not_created", i) {
                $0.set("attempt", attempt)
                $0.set("code", "reconciled_none")
            }
            return false
        case .ambiguous(let cands):
            try settleAmbiguous(i, attempt: attempt, candidates: JSON.array(cands))
            return true
        }
    }

    func settleAmbiguous(_ i: Int, attempt: Int, candidates: JSON) throws(DC1Error) {
        var e = DC1Error(
            .submitUnknown,
            "line \(inputs[i].line): the submit's answer was lost and \(candidates.count) matching jobs "
                + "are in the history; it was NOT resubmitted. Check `dc1 history`.")
        e.setDetail("candidates", candidates)
        try record("not_created", i) {
            $0.set("attempt", attempt)
            $0.set("code", "ambiguous")
        }
        try finish(i, status: "unknown", jobID: nil, output: nil, error: e.document(), costHalala: 0)
    }

    func adopt(_ i: Int, attempt: Int, job: JSON) throws(DC1Error) {
        let id = job.string("job_id") ?? ""
        let quote = job.int("quoted_cost_halala") ?? job.int("cost_halala") ?? 0
        try record("submitted", i) {
            $0.set("attempt", attempt)
            $0.set("job_id", id)
            $0.set("quote_halala", quote)
            $0.set("reconciled", true)
        }
        noteQuote(i, quote)
        createdThisRun += 1
        let extra = JSON.object()
        extra.set("reconciled", true)
        lineEvent(i, "submitted", extra: extra)
    }

    // MARK: submitting

    func quoteEstimate(_ i: Int) -> Int? { quoteByKind[inputs[i].kind] ?? anyQuote }

    func stopSubmitting(_ reason: String, _ e: DC1Error) {
        guard submitStop == nil else { return }
        submitStop = (reason, e)
        let r = JSON.object()
        r.set("ev", "stop")
        r.set("reason", reason)
        r.set("message", e.message)
        _ = try? journal.append(r)
        let ev = JSON.object()
        ev.set("type", "stop")
        ev.set("reason", reason)
        ev.set("message", e.message)
        deliver(ev)
    }

    /// One submit of line `i`. The intent is durable before the request leaves.
    func submit(_ i: Int) throws(DC1Error) {
        let s = state.lines[i]
        let attempt = s.attempts + 1
        let req: JSON?
        do throws(DC1Error) {
            req = try request(i).request
        } catch {
            stopSubmitting("error", error)
            toSubmit.pushFront(i)
            return
        }
        let t = Clock.wallSeconds()
        try record("intent", i) {
            $0.set("attempt", attempt)
            $0.set("t", t)
        }

        let hook = TickHook(intervalMs: 100) { [unowned self] in self.pump() }
        var outcome: Result<JSON, DC1Error>
        do throws(DC1Error) {
            let jobs = session.jobs
            outcome = .success(
                try hook.run { () throws(DC1Error) -> JSON in
                    try jobs.submit(req, alsoKnown: { [unowned self] in self.state.jobIDs.contains($0) })
                })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let doc):
            transientSubmitErrors = 0
            let job = doc["job"] ?? doc
            let id = job.string("job_id") ?? ""
            let quote = job.int("quoted_cost_halala") ?? job.int("cost_halala") ?? 0
            try record("submitted", i) {
                $0.set("attempt", attempt)
                $0.set("job_id", id)
                $0.set("quote_halala", quote)
                if doc.bool("reconciled") == true { $0.set("reconciled", true) }
            }
            noteQuote(i, quote)
            createdThisRun += 1
            shared.setStatus(i, job.string("status"))
            lineEvent(i, "submitted")
            toWait.append(i)
        case .failure(let e):
            try submitFailed(i, attempt: attempt, since: t, e)
        }
    }

    func submitFailed(_ i: Int, attempt: Int, since: Double, _ e: DC1Error) throws(DC1Error) {
        func notCreated() throws(DC1Error) {
            try record("not_created", i) {
                $0.set("attempt", attempt)
                $0.set("code", e.code.name)
            }
        }
        switch e.code {
        case .validation, .invalidArgument:
            try notCreated()
            try finish(i, status: "invalid", jobID: nil, output: nil, error: e.document(), costHalala: 0)
        case .rateLimited:
            // Rejected by a limiter before the handler: nothing was created; wait and retry.
            try notCreated()
            let wait = Int64(e.retryAfterMs ?? 1000)
            nextSubmitMs = Swift.max(nextSubmitMs, Clock.nowMs() + wait)
            let ev = JSON.object()
            ev.set("type", "pause")
            ev.set("reason", "rate_limited")
            ev.set("wait_ms", Int(wait))
            deliver(ev)
            toSubmit.pushFront(i)
        case .quotaExceeded:
            try notCreated()
            toSubmit.pushFront(i)
            stopSubmitting("quota", e)
        case .insufficientBalance:
            try notCreated()
            toSubmit.pushFront(i)
            stopSubmitting("balance", e)
        case .auth:
            try notCreated()
            toSubmit.pushFront(i)
            stopSubmitting("auth", e)
        case .submitUnknown:
            // The reconciler (inside submit) could not settle it: a lookup that failed leaves
            // the line in doubt for the next run; several candidates make it "unknown"; none
            // means the submit created nothing, so it is submitted again.
            if e.detail("lookup_failed")?.boolValue == true {
                stopSubmitting("error", e)
            } else if let cands = e.detail("candidates"), cands.count > 0 {
                try settleAmbiguous(i, attempt: attempt, candidates: cands)
            } else {
                try record("not_created", i) {
                    $0.set("attempt", attempt)
                    $0.set("code", "reconciled_none")
                }
                toSubmit.pushFront(i)
            }
        case .interrupted:
            // A stop that came while the submit was in flight: if it had been sent, the intent
            // stays open and the next run reconciles it.
            if e.detail("fate_unknown")?.boolValue != true { try notCreated() }
            userStopped = true
        case .notFound, .http:
            try notCreated()
            try finish(i, status: "error", jobID: nil, output: nil, error: e.document(), costHalala: 0)
        default:
            if e.fateUnknown {
                if try !settleIntent(i, attempt: attempt, since: since) {
                    toSubmit.pushFront(i)
                } else if state.lines[i].jobID != nil {
                    toWait.append(i)
                }
                return
            }
            // Not sent, or refused before a job was made (a 500 from the handler): try again a
            // few times, then stop.
            try notCreated()
            toSubmit.pushFront(i)
            transientSubmitErrors += 1
            if transientSubmitErrors >= 5 {
                stopSubmitting("error", e)
            } else {
                nextSubmitMs = Swift.max(nextSubmitMs, Clock.nowMs() + 1000 * Int64(transientSubmitErrors))
            }
        }
    }

    // MARK: waiting

    func saveName(_ i: Int) -> String {
        if let id = state.lines[i].id, let s = id.stringValue ?? id.intValue.map({ String($0) }) {
            return String(
                s.map { c -> Character in (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "_" })
        }
        return "line-\(inputs[i].line)"
    }

    func startWorker(_ i: Int) {
        guard let jobID = state.lines[i].jobID else { return }
        let stop = CallStop()
        let session = self.session
        let shared = self.shared
        let wait = options.wait
        let saveTo = options.saveDir.map { $0 + "/" + saveName(i) + ".png" }
        let body = {
            stop.run {
                do throws(DC1Error) {
                    let job = try session.jobs.watch(jobID, options: wait) { ev in
                        if ev.string("type") == "status" { shared.setStatus(i, ev.string("status")) }
                        return !stop.isTriggered
                    }
                    guard job.string("status") == "completed" else {
                        shared.post(.finished(index: i, jobID: jobID, job: job, output: nil, error: nil))
                        return
                    }
                    do throws(DC1Error) {
                        let out = try session.output.output(jobID)
                        if let saveTo, out.string("kind") == "image" {
                            let saved = try session.output.saveImage(jobID, path: saveTo)
                            out.remove("image_base64")
                            out.set("saved_path", saved.string("path"))
                            out.set("saved_bytes", saved.int("bytes"))
                        }
                        shared.post(.finished(index: i, jobID: jobID, job: job, output: out, error: nil))
                    } catch {
                        shared.post(.finished(index: i, jobID: jobID, job: job, output: nil, error: error))
                    }
                } catch {
                    shared.post(.waitFailed(index: i, jobID: jobID, error: error))
                }
            }
        }
        if let tid = Files.spawn(body) {
            workers[i] = (tid, stop)
        } else {
            shared.post(.waitFailed(index: i, jobID: jobID, error: DC1Error(.internal, "cannot start a thread")))
        }
    }

    func join(_ i: Int) {
        guard let w = workers.removeValue(forKey: i) else { return }
        pthread_join(w.tid, nil)
        shared.clearStatus(i)
    }

    func process(_ c: BatchCompletion) throws(DC1Error) {
        let i = c.index
        let jobID = c.jobID
        let output = c.output
        let error = c.error
        if let job = c.job {
            join(i)
            let s = state.lines[i]
            let status = job.string("status") ?? "unknown"
            if let output, error == nil {
                completedThisRun += 1
                let cost =
                    output.int("actual_cost_halala") ?? job.int("actual_cost_halala") ?? job.int("cost_halala")
                    ?? s.quoteHalala
                try finish(i, status: "completed", jobID: jobID, output: output, error: nil, costHalala: cost)
                return
            }
            // The job document's cost_halala is what was charged: 0 for a refunded failure.
            let cost = job.int("cost_halala") ?? 0
            var err: JSON
            if let error {
                err = error.document()
            } else {
                let why = job.string("error") ?? job.string("error_message") ?? "the job ended \(status)"
                err = DC1Error(status == "cancelled" ? .jobCancelled : .jobFailed, "job \(jobID) \(status): \(why)")
                    .document()
                err.set("job_status", status)
            }
            let failedStatus = status == "completed" ? "error" : (status == "cancelled" ? "cancelled" : "failed")
            if failedStatus == "failed" && s.attempts < options.maxAttempts {
                try record("job_ended", i) {
                    $0.set("attempt", s.attempts)
                    $0.set("job_id", jobID)
                    $0.set("status", status)
                    $0.set("error", err)
                    $0.set("cost_halala", cost)
                }
                let extra = JSON.object()
                extra.set("error", err)
                extra.set("failed_job_id", jobID)
                lineEvent(i, "retrying", extra: extra)
                toSubmit.pushFront(i)
                return
            }
            err = err.deepCopy()
            try finish(i, status: failedStatus, jobID: jobID, output: nil, error: err, costHalala: cost)
        } else if let error {
            join(i)
            switch error.code {
            case .interrupted:
                userStopped = true  // the job keeps its id in the journal: the next run waits for it
            case .waitTimeout:
                state.lines[i].lastError = error.document()  // still in flight; a re-run waits again
                let extra = JSON.object()
                extra.set("error", error.document())
                lineEvent(i, "wait_timeout", extra: extra)
            default:
                try finish(i, status: "error", jobID: jobID, output: nil, error: error.document(), costHalala: 0)
            }
        }
    }

    // MARK: the run

    func run() throws(DC1Error) -> JSON {
        // Nothing is read, written or sent before the paths are known not to clash and this
        // run owns the journal.
        try BatchPaths.check(input: inputPath, out: outPath, journal: journalPath, saveDir: options.saveDir)
        lock = try BatchLock.acquire(journalPath: journalPath, stop: { [token] in token.isInterrupted })
        defer { lock?.release() }
        try loadInput()
        try loadJournal()
        if let dir = options.saveDir { mkdir(dir, 0o755) }

        // Lines the journal settles; lines invalid on their face; the one submit in doubt.
        for i in 0..<inputs.count {
            let s = state.lines[i]
            if s.isFinal { continue }
            if let e = invalid[i], s.jobID == nil, s.openIntent == nil {
                try finish(i, status: "invalid", jobID: nil, output: nil, error: e.document(), costHalala: 0)
                continue
            }
            if let intent = s.openIntent {
                if try !settleIntent(i, attempt: intent.attempt, since: intent.t) {
                    toSubmit.append(i)
                } else if state.lines[i].jobID != nil {
                    toWait.append(i)
                }
                continue
            }
            if s.jobID != nil { toWait.append(i) } else { toSubmit.append(i) }
        }
        invalid = [:]
        progress()
        do throws(DC1Error) {
            try loop()
        } catch {
            // Never leave a thread behind: end the waits, then report.
            for (_, w) in workers { w.stop.trigger() }
            for i in Array(workers.keys) { join(i) }
            throw error
        }
        return try wrapUp()
    }

    func loop() throws(DC1Error) {
        while true {
            for c in shared.take() { try process(c) }
            if !pump() || userStopped { break }
            while workers.count < options.concurrency, !toWait.isEmpty {
                startWorker(toWait.removeFirst())
            }
            if submitStop == nil, workers.count < options.concurrency, toWait.isEmpty, let i = toSubmit.first {
                let now = Clock.nowMs()
                let notBefore = Swift.max(nextSubmitMs, session.pacing.notBeforeMs("POST", "/api/jobs/submit"))
                if notBefore > now {
                    sleepSlice(Swift.min(notBefore - now, 25))
                    continue
                }
                if let b = options.budgetSar {
                    let budget = Int((b * 100).rounded())
                    let est = quoteEstimate(i)
                    let committed = state.totals.committedHalala
                    if committed + (est ?? 0) > budget || (est == nil && committed >= budget) {
                        stopSubmitting(
                            "budget",
                            DC1Error(
                                .insufficientBalance,
                                "budget: submitting line \(inputs[i].line) (quote about \(Money.sarString(est ?? 0)) SAR) "
                                    + "would pass the budget of \(Money.sarString(budget)) SAR "
                                    + "(\(Money.sarString(committed)) SAR committed)"
                            ))
                        continue
                    }
                }
                _ = toSubmit.removeFirst()
                try submit(i)
                continue
            }
            if workers.isEmpty && toWait.isEmpty && (toSubmit.isEmpty || submitStop != nil) { break }
            sleepSlice()
        }
    }

    func wrapUp() throws(DC1Error) -> JSON {
        // Stopped: end the waits (their jobs keep running; the journal has their ids).
        for (_, w) in workers { w.stop.trigger() }
        for i in Array(workers.keys) { join(i) }
        for c in shared.take() {
            if c.isFinished { try process(c) }
        }
        if timedOut && submitStop == nil {
            stopSubmitting(
                "timeout",
                DC1Error(.waitTimeout, "the batch's timeout_ms (\(options.timeoutMs ?? 0)) passed"))
        } else if userStopped && submitStop == nil {
            stopSubmitting("interrupted", DC1Error(.interrupted, "the batch was stopped"))
        }
        try writeOutput()
        let summary = makeSummary()
        progress()
        if let stop = submitStop, stop.reason != "budget" {
            var e: DC1Error
            switch stop.reason {
            case "interrupted":
                e = DC1Error(
                    .interrupted,
                    "the batch was stopped before every line finished; run it again with the same "
                        + "journal to resume")
            case "timeout":
                e = DC1Error(
                    .waitTimeout,
                    "the batch's timeout_ms (\(options.timeoutMs ?? 0)) passed before every line finished; "
                        + "its jobs keep running; run it again with the same journal to resume")
            case "quota":
                e = DC1Error(
                    .quotaExceeded,
                    "the quota stopped the batch: \(stop.error.message); the lines not submitted are "
                        + "marked \"not_submitted\"; run it again with the same journal once the quota allows")
            default:
                e = stop.error
                e.message = "the batch stopped (\(stop.reason)): " + e.message
            }
            for k in summary.keys { e.setDetail(k, summary[k]!) }
            throw e
        }
        return summary
    }

    /// The results-file line of line `i`: its result record from the journal, or where it
    /// stands now.
    func resultFor(_ i: Int) throws(DC1Error) -> JSON {
        let s = state.lines[i]
        if let at = s.resultRecord, let rec = try journal.read(offset: at.offset, length: at.length),
            let r = rec["result"]
        {
            return r
        }
        let r = JSON.object()
        r.set("line", s.line)
        if let id = s.id { r.set("id", id) }
        if let st = s.resultStatus {  // a result whose record could not be read back
            r.set("status", st)
            r.set("job_id", s.resultJobID)
        } else if let job = s.jobID {
            r.set("status", "running")
            r.set("job_id", job)
        } else if s.openIntent != nil {
            r.set("status", "submit_unknown")
            r.set("job_id", nil as String?)
        } else {
            r.set("status", "not_submitted")
            r.set("job_id", nil as String?)
            if let stop = submitStop {
                r.set("reason", stop.reason)
                r.set("message", stop.error.message)
            }
        }
        r.set("attempts", s.attempts)
        if let e = s.lastError { r.set("error", e) }
        let cost = s.failedCostHalala + (s.resultStatus != nil ? s.resultCostHalala : 0)
        r.set("cost_halala", cost)
        r.set("cost_sar", Money.sar(cost))
        return r
    }

    /// The results file, streamed line by line from the journal into an atomic file.
    func writeOutput() throws(DC1Error) {
        let f = try AtomicFile(outPath)
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 16)
        do throws(DC1Error) {
            for i in 0..<inputs.count {
                var line = try resultFor(i).dumpBytes()
                if let red = session.redactor.redactBytes(line) { line = red }
                buf.append(contentsOf: line)
                buf.append(10)
                if buf.count >= 1 << 16 {
                    try f.write(buf)
                    buf.removeAll(keepingCapacity: true)
                }
            }
            try f.write(buf)
            try f.commit()
        } catch {
            f.abort()
            throw error
        }
    }

    func makeSummary() -> JSON {
        let o = JSON.object()
        var statuses: [String: Int] = [:]
        var attempts = 0
        for s in state.lines {
            let st: String
            if let r = s.resultStatus {
                st = r
            } else if s.jobID != nil {
                st = "running"
            } else if s.openIntent != nil {
                st = "submit_unknown"
            } else {
                st = "not_submitted"
            }
            statuses[st, default: 0] += 1
            attempts += s.attempts
        }
        let invalidCount = statuses["invalid"] ?? 0
        o.set("lines", inputs.count)
        o.set("completed", statuses["completed"] ?? 0)
        o.set(
            "failed",
            inputs.count - (statuses["completed"] ?? 0) - (statuses["not_submitted"] ?? 0)
                - (statuses["running"] ?? 0) - (statuses["submit_unknown"] ?? 0) - invalidCount)
        o.set("invalid", invalidCount)
        o.set("not_submitted", statuses["not_submitted"] ?? 0)
        o.set("running", statuses["running"] ?? 0)
        let st = JSON.object()
        for (k, v) in statuses.sorted(by: { $0.key < $1.key }) { st.set(k, v) }
        o.set("statuses", st)
        o.set("attempts", attempts)
        o.set("jobs_created", createdThisRun)
        let spent = state.totals.spentHalala
        o.set("spent_halala", spent)
        o.set("spent_sar", Money.sar(spent))
        o.set("all_completed", (statuses["completed"] ?? 0) == inputs.count)
        o.set("stopped", submitStop?.reason)
        if let s = submitStop { o.set("stop_message", s.error.message) }
        o.set("out_path", outPath)
        o.set("journal_path", journalPath)
        o.set("elapsed_ms", Int(Clock.nowMs() - startedMs))
        return o
    }
}
