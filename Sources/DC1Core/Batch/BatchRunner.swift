import Glibc

/// dc1_batch_run: a JSON Lines file of submit requests, run at the server's limits, resumable
/// from its journal without ever paying for a job twice. See docs/batch.md.
extension CoreClient {
    public struct BatchOptions {
        public var outPath: String? = nil
        public var journalPath: String? = nil
        public var concurrency = 4
        public var maxAttempts = 1
        public var budgetSar: Double? = nil
        public var saveDir: String? = nil
        public var wait = WaitOptions()
        public var tickMs: Int64 = 500
        public init() {
            wait.timeoutMs = 3_600_000
        }

        public static func from(_ json: JSON?) throws(DC1Error) -> BatchOptions {
            let o = try Opts(
                json, "options",
                allowed: [
                    "out_path", "journal_path", "concurrency", "max_attempts",
                    "budget_sar", "save_dir", "wait", "tick_ms",
                ])
            var b = BatchOptions()
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
                b.wait = try WaitOptions.from(w)
                if w["timeout_ms"] == nil { b.wait.timeoutMs = 3_600_000 }
            }
            if let v = try o.int("tick_ms", 50...60_000) { b.tickMs = Int64(v) }
            return b
        }
    }

    /// Runs (or resumes) a batch. `onEvent` is called on this thread; returning false stops
    /// submitting and waiting (the journal stays consistent; run again to resume).
    public func batchRun(
        inputPath: String, options: BatchOptions,
        onEvent: ((JSON) -> Bool)?
    ) throws(DC1Error) -> JSON {
        guard !inputPath.isEmpty else { throw .invalid("input_path is empty") }
        try requireKey("batch")
        let run = try BatchRun(client: self, inputPath: inputPath, options: options, onEvent: onEvent)
        return try run.run()
    }
}

/// What a worker thread hands back to the runner: the job at its end (with its output, or
/// the error that kept the output from being read), or the error that ended the wait. A class,
/// not a multi-payload enum: valgrind reports the enum's outlined destroy as reading
/// uninitialised tag bits.
private final class BatchCompletion {
    let line: Int
    let jobID: String
    let job: JSON?
    let output: JSON?
    let error: DC1Error?

    private init(line: Int, jobID: String, job: JSON?, output: JSON?, error: DC1Error?) {
        self.line = line
        self.jobID = jobID
        self.job = job
        self.output = output
        self.error = error
    }

    static func finished(line: Int, jobID: String, job: JSON, output: JSON?, error: DC1Error?) -> BatchCompletion {
        BatchCompletion(line: line, jobID: jobID, job: job, output: output, error: error)
    }

    static func waitFailed(line: Int, jobID: String, error: DC1Error) -> BatchCompletion {
        BatchCompletion(line: line, jobID: jobID, job: nil, output: nil, error: error)
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
            let c = completions; completions = []; return c
        }
    }
    func setStatus(_ n: Int, _ s: String?) { lock.withLock { statusOf[n] = s } }
    func status(_ n: Int) -> String? { lock.withLock { statusOf[n] ?? nil } }
}

private struct BatchInputLine {
    let line: Int
    let text: String
    let id: JSON?
    let request: JSON?
    let body: JSON?  // normalised request (job_type, duration_minutes) for reconciliation
    let invalid: DC1Error?
}

private final class BatchRun {
    let client: CoreClient
    let inputPath: String
    let outPath: String
    let journalPath: String
    let options: CoreClient.BatchOptions
    let onEvent: ((JSON) -> Bool)?
    let journal: BatchJournal
    var state = BatchState()
    var inputs: [BatchInputLine] = []
    var inputByLine: [Int: BatchInputLine] = [:]

    let shared = BatchShared()
    var workers: [Int: (tid: pthread_t, stop: CallStop)] = [:]
    var toSubmit: [Int] = []
    var toWait: [Int] = []

    var userStopped = false
    var submitStop: (reason: String, error: DC1Error)? = nil
    var createdThisRun = 0
    var transientSubmitErrors = 0
    var nextSubmitMs: Int64 = 0
    var lastTickMs: Int64 = 0
    let startedMs = Clock.nowMs()
    var completedThisRun = 0
    var delivering = false

    init(
        client: CoreClient, inputPath: String, options: CoreClient.BatchOptions,
        onEvent: ((JSON) -> Bool)?
    ) throws(DC1Error) {
        self.client = client
        self.inputPath = inputPath
        self.options = options
        self.onEvent = onEvent
        self.outPath = options.outPath ?? (inputPath + ".results.jsonl")
        self.journalPath = options.journalPath ?? (inputPath + ".journal")
        self.journal = BatchJournal(path: journalPath)
    }

    // MARK: loading

    func loadInput() throws(DC1Error) {
        guard let bytes = try BatchFiles.read(inputPath) else {
            throw DC1Error(.io, "cannot open \(inputPath): no such file")
        }
        for (i, raw) in BatchFiles.lines(bytes).enumerated() {
            let text = raw.trimmingSpaces
            if text.isEmpty { continue }
            let n = i + 1
            var id: JSON? = nil
            var request: JSON? = nil
            var body: JSON? = nil
            var invalid: DC1Error? = nil
            do {
                let j = try JSON.parse(text)
                if j.isObject {
                    let r = j.deepCopy()
                    if let v = r["id"] { id = v.deepCopy(); r.remove("id") }
                    request = r
                    do throws(DC1Error) { body = try SubmitSchema.normalise(r) } catch { invalid = error }
                } else {
                    invalid = DC1Error(.validation, "line \(n): a request must be a JSON object, got \(j.typeName)")
                }
            } catch {
                invalid = DC1Error(.validation, "line \(n): not valid JSON")
            }
            let l = BatchInputLine(line: n, text: text, id: id, request: request, body: body, invalid: invalid)
            inputs.append(l)
            inputByLine[n] = l
        }
    }

    func loadJournal() throws(DC1Error) {
        if let records = try BatchJournal.load(journalPath), !records.isEmpty {
            state = BatchState.replay(records)
            if let h = state.header, let hashes = h["hashes"] {
                let old = hashes.elements.compactMap { $0.stringValue }
                let now = inputs.map { "\($0.line):" + BatchFiles.hash($0.text) }
                if old != now {
                    throw DC1Error(
                        .invalidArgument,
                        "the input \(inputPath) changed since the journal \(journalPath) was started "
                            + "(lines added, removed or edited); use a new journal for a new batch")
                }
            }
        }
        if state.header == nil {
            let h = JSON.object()
            h.set("ev", "batch")
            h.set("version", 1)
            h.set("input", inputPath)
            h.set("lines", inputs.count)
            let arr = JSON.array()
            for l in inputs { arr.append(.string("\(l.line):" + BatchFiles.hash(l.text))) }
            h.set("hashes", arr)
            try journal.append(h)
            state.apply(h)
        }
        for l in inputs { let s = state.ensure(l.line); s.id = l.id }
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
        var done = 0, failed = 0, running = 0, queued = 0, spent = 0
        for l in inputs {
            let s = state.lines[l.line]!
            spent += s.failedCostHalala
            if let r = s.result {
                if r.string("status") == "completed" { done += 1 } else { failed += 1 }
                spent += r.int("cost_halala") ?? 0
            } else if s.jobID != nil {
                spent += s.quoteHalala
                let st = shared.status(l.line)
                if st == nil || st == "queued" || st == "pending" { queued += 1 } else { running += 1 }
            }
        }
        let o = JSON.object()
        o.set("lines", inputs.count)
        o.set("done", done)
        o.set("failed", failed)
        o.set("running", running)
        o.set("queued", queued)
        o.set("pending", toSubmit.count)
        o.set("spent_halala", spent)
        o.set("spent_sar", Money.sar(spent))
        let elapsed = Clock.nowMs() - startedMs
        o.set("elapsed_ms", Int(elapsed))
        o.set("jobs_per_min", elapsed > 0 ? Double(completedThisRun) * 60_000 / Double(elapsed) : 0)
        if let b = options.budgetSar { o.set("budget_sar", b) }
        return o
    }

    func progress(_ type: String = "progress") {
        let o = counts()
        o.set("type", type)
        deliver(o)
    }

    func lineEvent(_ n: Int, _ status: String, extra: JSON? = nil) {
        guard onEvent != nil else { return }
        let s = state.lines[n]!
        let e = JSON.object()
        e.set("type", "line")
        e.set("line", n)
        if let id = s.id { e.set("id", id) }
        e.set("status", status)
        e.set("job_id", s.jobID ?? s.result?.string("job_id"))
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
        return !userStopped
    }

    func sleepSlice(_ ms: Int64 = 25) {
        _ = Clock.sleep(ms: ms, stop: { false })
        _ = pump()
    }

    // MARK: results

    func record(_ ev: String, _ n: Int, _ fill: (JSON) -> Void) throws(DC1Error) {
        let r = JSON.object()
        r.set("ev", ev)
        r.set("line", n)
        fill(r)
        try journal.append(r)
        state.apply(r)
    }

    func finish(_ n: Int, status: String, jobID: String?, output: JSON?, error: JSON?, costHalala: Int) throws(DC1Error)
    {
        let s = state.lines[n]!
        let r = JSON.object()
        r.set("line", n)
        if let id = s.id { r.set("id", id) }
        r.set("status", status)
        r.set("job_id", jobID)
        r.set("attempts", s.attempts)
        if let output { r.set("output", output) }
        if let error { r.set("error", error) }
        let cost = costHalala + s.failedCostHalala
        r.set("cost_halala", cost)
        r.set("cost_sar", Money.sar(cost))
        try record("result", n) { $0.set("result", r) }
        let extra = JSON.object()
        if let error { extra.set("error", error) }
        extra.set("cost_halala", cost)
        lineEvent(n, status, extra: extra)
    }

    static func errorDoc(_ e: DC1Error) -> JSON {
        let d = e.document()
        return d
    }

    // MARK: reconciliation

    enum Reconciled { case job(JSON), none, ambiguous(JSON) }

    /// Looks in the history for the job an unanswered submit may have created: submitted since
    /// the intent (on the server's clock), same job_type and duration, and not a job this journal
    /// already knows. Submits are sent one at a time, so at most one line is ever in doubt.
    func reconcile(_ n: Int, since: Double) throws(DC1Error) -> Reconciled {
        let body = inputByLine[n]?.body
        let jobType = body?.string("job_type")
        let duration = body?.double("duration_minutes")
        for round in 0..<3 {
            if round > 0 { _ = Clock.sleep(ms: 700, stop: { false }) }
            let req = HTTPRequest(method: "GET", path: "/api/jobs/history?limit=100")
            let resp = try client.send(req)
            let hist = try client.parseJSONBody(resp, req)
            let skew = resp.header("date").flatMap(HTTPDate.parse).map { $0 - Clock.wallSeconds() } ?? 0
            let windowStart = since + skew - 3
            let found = JSON.array()
            for j in hist["jobs"]?.elements ?? [] {
                guard let t = j.string("submitted_at").flatMap(Timestamp.parse), t >= windowStart else { continue }
                guard let id = j.string("job_id"), !state.jobIDs.contains(id) else { continue }
                if let jobType, let jt = j.string("job_type"), jt != jobType { continue }
                if let duration, let d = j.double("duration_minutes"), abs(d - duration) > 1e-9 { continue }
                found.append(j)
            }
            if found.count == 1 { return .job(found[0]!) }
            if found.count > 1 { return .ambiguous(found) }
        }
        return .none
    }

    func adopt(_ n: Int, attempt: Int, job: JSON) throws(DC1Error) {
        let id = job.string("job_id") ?? ""
        try record("submitted", n) {
            $0.set("attempt", attempt)
            $0.set("job_id", id)
            $0.set("quote_halala", job.int("quoted_cost_halala") ?? job.int("cost_halala") ?? 0)
            $0.set("reconciled", true)
        }
        createdThisRun += 1
        let extra = JSON.object()
        extra.set("reconciled", true)
        lineEvent(n, "submitted", extra: extra)
    }

    /// Settles an intent whose submit may have reached the server (a crash, a lost answer).
    /// Returns true when the line has a job or a result; false when it can be submitted again.
    func settleIntent(_ n: Int, attempt: Int, since: Double) throws(DC1Error) -> Bool {
        let found: Reconciled
        do throws(DC1Error) {
            found = try reconcile(n, since: since)
        } catch {
            // The history cannot be read: the line stays in doubt (the next run settles it)
            // and nothing more is submitted now.
            if error.code == .interrupted { userStopped = true } else { stopSubmitting("error", error) }
            return true
        }
        switch found {
        case .job(let j):
            try adopt(n, attempt: attempt, job: j)
            return true
        case .none:
            try record("not_created", n) {
                $0.set("attempt", attempt); $0.set("code", "reconciled_none")
            }
            return false
        case .ambiguous(let cands):
            var e = DC1Error(
                .submitUnknown,
                "line \(n): the submit's answer was lost and \(cands.count) matching jobs "
                    + "are in the history; it was NOT resubmitted. Check `dc1 history`.")
            e.setDetail("candidates", cands)
            try record("not_created", n) {
                $0.set("attempt", attempt); $0.set("code", "ambiguous")
            }
            try finish(n, status: "unknown", jobID: nil, output: nil, error: e.document(), costHalala: 0)
            return true
        }
    }

    // MARK: submitting

    func quoteEstimate(_ n: Int) -> Int? {
        let key = { (b: JSON?) in "\(b?.string("job_type") ?? "")|\(b?.double("duration_minutes") ?? 0)" }
        let mine = key(inputByLine[n]?.body)
        var best: Int? = nil, any: Int? = nil
        for l in inputs {
            let s = state.lines[l.line]!
            guard s.quoteHalala > 0 else { continue }
            any = Swift.max(any ?? 0, s.quoteHalala)
            if key(l.body) == mine { best = Swift.max(best ?? 0, s.quoteHalala) }
        }
        return best ?? any
    }

    /// What the budget counts: the quote of every job created and not refunded (completed or in
    /// flight); failed jobs are refunded by the server.
    func committedHalala() -> Int {
        var total = 0
        for l in inputs {
            let s = state.lines[l.line]!
            if let r = s.result {
                if r.string("status") == "completed" { total += Swift.max(s.quoteHalala, r.int("cost_halala") ?? 0) }
            } else if s.jobID != nil {
                total += s.quoteHalala
            }
        }
        return total
    }

    func stopSubmitting(_ reason: String, _ e: DC1Error) {
        guard submitStop == nil else { return }
        submitStop = (reason, e)
        try? journal.append(
            {
                let r = JSON.object(); r.set("ev", "stop"); r.set("reason", reason); r.set("message", e.message);
                return r
            }())
        let ev = JSON.object()
        ev.set("type", "stop")
        ev.set("reason", reason)
        ev.set("message", e.message)
        deliver(ev)
    }

    /// One submit of line `n`. The intent is durable before the request leaves.
    func submit(_ n: Int) throws(DC1Error) {
        let s = state.lines[n]!
        let input = inputByLine[n]!
        let attempt = s.attempts + 1
        let t = Clock.wallSeconds()
        try record("intent", n) {
            $0.set("attempt", attempt); $0.set("t", t)
        }

        let state_ = ThreadCallState.current
        let previous = state_.onResponse
        state_.onResponse = { [unowned self] resp in self.observe(resp) }
        defer { state_.onResponse = previous }
        let hook = TickHook(intervalMs: 100) { [unowned self] in self.pump() }
        var outcome: Result<JSON, DC1Error>
        do throws(DC1Error) {
            outcome = .success(try hook.run { () throws(DC1Error) -> JSON in try client.submit(input.request) })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let doc):
            transientSubmitErrors = 0
            let job = doc["job"] ?? doc
            let id = job.string("job_id") ?? ""
            try record("submitted", n) {
                $0.set("attempt", attempt)
                $0.set("job_id", id)
                $0.set("quote_halala", job.int("quoted_cost_halala") ?? job.int("cost_halala") ?? 0)
                if doc.bool("reconciled") == true { $0.set("reconciled", true) }
            }
            createdThisRun += 1
            shared.setStatus(n, job.string("status"))
            lineEvent(n, "submitted")
            toWait.append(n)
        case .failure(let e):
            try submitFailed(n, attempt: attempt, since: t, e)
        }
    }

    func submitFailed(_ n: Int, attempt: Int, since: Double, _ e: DC1Error) throws(DC1Error) {
        func notCreated() throws(DC1Error) {
            try record("not_created", n) {
                $0.set("attempt", attempt); $0.set("code", e.code.name)
            }
        }
        switch e.code {
        case .validation, .invalidArgument:
            try notCreated()
            try finish(n, status: "invalid", jobID: nil, output: nil, error: e.document(), costHalala: 0)
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
            toSubmit.insert(n, at: 0)
        case .quotaExceeded:
            try notCreated()
            toSubmit.insert(n, at: 0)
            stopSubmitting("quota", e)
        case .insufficientBalance:
            try notCreated()
            toSubmit.insert(n, at: 0)
            stopSubmitting("balance", e)
        case .auth:
            try notCreated()
            toSubmit.insert(n, at: 0)
            stopSubmitting("auth", e)
        case .submitUnknown:
            if try !settleIntent(n, attempt: attempt, since: since) {
                toSubmit.insert(n, at: 0)
            } else if state.lines[n]!.jobID != nil {
                toWait.append(n)
            }
        case .interrupted:
            // A stop that came while the submit was in flight: if it had been sent, the intent
            // stays open and the next run reconciles it.
            if e.detail("fate_unknown")?.boolValue != true { try notCreated() }
            userStopped = true
        case .notFound, .http:
            try notCreated()
            try finish(n, status: "error", jobID: nil, output: nil, error: e.document(), costHalala: 0)
        default:
            if e.fateUnknown {
                if try !settleIntent(n, attempt: attempt, since: since) {
                    toSubmit.insert(n, at: 0)
                } else if state.lines[n]!.jobID != nil {
                    toWait.append(n)
                }
                return
            }
            // Not sent, or refused before a job was made (a 500 from the handler): try again a
            // few times, then stop.
            try notCreated()
            toSubmit.insert(n, at: 0)
            transientSubmitErrors += 1
            if transientSubmitErrors >= 5 {
                stopSubmitting("error", e)
            } else {
                nextSubmitMs = Swift.max(nextSubmitMs, Clock.nowMs() + 1000 * Int64(transientSubmitErrors))
            }
        }
    }

    /// Pacing learned from the server: a 429's Retry-After, or a limiter that says it is spent.
    func observe(_ resp: HTTPResponse) {
        let now = Clock.nowMs()
        if resp.status == 429, let ra = ErrorMapping.retryAfterMs(resp, resp.json()) {
            nextSubmitMs = Swift.max(nextSubmitMs, now + Int64(ra))
        } else if let rem = resp.header("ratelimit-remaining").flatMap({ Int($0.trimmingSpaces) }), rem <= 0,
            let reset = resp.header("ratelimit-reset").flatMap({ Double($0.trimmingSpaces) })
        {
            nextSubmitMs = Swift.max(nextSubmitMs, now + Int64(reset * 1000) + 50)
        }
    }

    // MARK: waiting

    func startWorker(_ n: Int) {
        guard let jobID = state.lines[n]!.jobID else { return }
        let stop = CallStop()
        let client = self.client
        let shared = self.shared
        let wait = options.wait
        var saveTo: String? = nil
        if let dir = options.saveDir {
            let name: String
            if let id = state.lines[n]!.id, let s = id.stringValue ?? id.intValue.map({ String($0) }) {
                name = String(
                    s.map { c -> Character in (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "_" }
                )
            } else {
                name = "line-\(n)"
            }
            saveTo = dir + "/" + name + ".png"
        }
        let body = {
            stop.run {
                do throws(DC1Error) {
                    let job = try client.watch(jobID, options: wait) { ev in
                        if ev.string("type") == "status" { shared.setStatus(n, ev.string("status")) }
                        return !stop.isTriggered
                    }
                    guard job.string("status") == "completed" else {
                        shared.post(.finished(line: n, jobID: jobID, job: job, output: nil, error: nil))
                        return
                    }
                    do throws(DC1Error) {
                        let out = try client.output(jobID)
                        if let saveTo, out.string("kind") == "image" {
                            let saved = try client.saveImage(jobID, path: saveTo)
                            out.remove("image_base64")
                            out.set("saved_path", saved.string("path"))
                            out.set("saved_bytes", saved.int("bytes"))
                        }
                        shared.post(.finished(line: n, jobID: jobID, job: job, output: out, error: nil))
                    } catch {
                        shared.post(.finished(line: n, jobID: jobID, job: job, output: nil, error: error))
                    }
                } catch {
                    shared.post(.waitFailed(line: n, jobID: jobID, error: error))
                }
            }
        }
        if let tid = BatchFiles.spawn(body) {
            workers[n] = (tid, stop)
        } else {
            shared.post(.waitFailed(line: n, jobID: jobID, error: DC1Error(.internal, "cannot start a thread")))
        }
    }

    func join(_ n: Int) {
        guard let w = workers.removeValue(forKey: n) else { return }
        pthread_join(w.tid, nil)
    }

    func process(_ c: BatchCompletion) throws(DC1Error) {
        let n = c.line, jobID = c.jobID, output = c.output, error = c.error
        if let job = c.job {
            join(n)
            let s = state.lines[n]!
            let status = job.string("status") ?? "unknown"
            if let output, error == nil {
                completedThisRun += 1
                let cost =
                    output.int("actual_cost_halala") ?? job.int("actual_cost_halala") ?? job.int("cost_halala")
                    ?? s.quoteHalala
                try finish(n, status: "completed", jobID: jobID, output: output, error: nil, costHalala: cost)
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
                try record("job_ended", n) {
                    $0.set("attempt", s.attempts)
                    $0.set("job_id", jobID)
                    $0.set("status", status)
                    $0.set("error", err)
                    $0.set("cost_halala", cost)
                }
                let extra = JSON.object()
                extra.set("error", err)
                extra.set("failed_job_id", jobID)
                lineEvent(n, "retrying", extra: extra)
                toSubmit.insert(n, at: 0)
                return
            }
            err = err.deepCopy()
            try finish(n, status: failedStatus, jobID: jobID, output: nil, error: err, costHalala: cost)
        } else if let error {
            join(n)
            switch error.code {
            case .interrupted:
                userStopped = true  // the job keeps its id in the journal: the next run waits for it
            case .waitTimeout:
                state.lines[n]!.lastError = error.document()  // still in flight; a re-run waits again
                let extra = JSON.object()
                extra.set("error", error.document())
                lineEvent(n, "wait_timeout", extra: extra)
            default:
                try finish(n, status: "error", jobID: jobID, output: nil, error: error.document(), costHalala: 0)
            }
        }
    }

    // MARK: the run

    func run() throws(DC1Error) -> JSON {
        try loadInput()
        try loadJournal()
        if let dir = options.saveDir { mkdir(dir, 0o755) }

        // Lines the journal settles; lines invalid on their face; the one submit in doubt.
        for l in inputs {
            let s = state.lines[l.line]!
            if s.isFinal { continue }
            if let e = l.invalid, s.jobID == nil, s.openIntent == nil {
                try finish(l.line, status: "invalid", jobID: nil, output: nil, error: e.document(), costHalala: 0)
                continue
            }
            if let intent = s.openIntent {
                if try !settleIntent(l.line, attempt: intent.attempt, since: intent.t) {
                    toSubmit.append(l.line)
                } else if s.jobID != nil {
                    toWait.append(l.line)
                }
                continue
            }
            if s.jobID != nil { toWait.append(l.line) } else { toSubmit.append(l.line) }
        }
        progress()
        do throws(DC1Error) {
            try loop()
        } catch {
            // Never leave a thread behind: end the waits, then report.
            for (_, w) in workers { w.stop.trigger() }
            for n in Array(workers.keys) { join(n) }
            throw error
        }
        return try wrapUp()
    }

    func loop() throws(DC1Error) {
        while true {
            for c in shared.take() { try process(c) }
            if userStopped { break }
            while workers.count < options.concurrency, !toWait.isEmpty {
                let n = toWait.removeFirst()
                startWorker(n)
            }
            if submitStop == nil, workers.count < options.concurrency, toWait.isEmpty, let n = toSubmit.first {
                let now = Clock.nowMs()
                if nextSubmitMs > now {
                    sleepSlice(Swift.min(nextSubmitMs - now, 25))
                    continue
                }
                if let b = options.budgetSar {
                    let budget = Int((b * 100).rounded())
                    let est = quoteEstimate(n)
                    if committedHalala() + (est ?? 0) > budget || (est == nil && committedHalala() >= budget) {
                        stopSubmitting(
                            "budget",
                            DC1Error(
                                .insufficientBalance,
                                "budget: submitting line \(n) (quote about \(Money.sarString(est ?? 0)) SAR) would pass the budget of "
                                    + "\(Money.sarString(budget)) SAR (\(Money.sarString(committedHalala())) SAR committed)"
                            ))
                        continue
                    }
                }
                toSubmit.removeFirst()
                try submit(n)
                continue
            }
            if workers.isEmpty && toWait.isEmpty && (toSubmit.isEmpty || submitStop != nil) { break }
            sleepSlice()
        }
    }

    func wrapUp() throws(DC1Error) -> JSON {
        // Stopped: end the waits (their jobs keep running; the journal has their ids).
        for (_, w) in workers { w.stop.trigger() }
        for n in Array(workers.keys) { join(n) }
        for c in shared.take() {
            if c.isFinished { try process(c) }
        }
        if userStopped && submitStop == nil {
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

    func resultFor(_ l: BatchInputLine) -> JSON {
        let s = state.lines[l.line]!
        if let r = s.result { return r }
        let r = JSON.object()
        r.set("line", l.line)
        if let id = s.id { r.set("id", id) }
        if let job = s.jobID {
            r.set("status", "running")
            r.set("job_id", job)
        } else if s.openIntent != nil {
            r.set("status", "submit_unknown")
            r.set("job_id", nil as String?)
        } else {
            r.set("status", "not_submitted")
            r.set("job_id", nil as String?)
            if let stop = submitStop { r.set("reason", stop.reason); r.set("message", stop.error.message) }
        }
        r.set("attempts", s.attempts)
        if let e = s.lastError { r.set("error", e) }
        let cost = s.failedCostHalala
        r.set("cost_halala", cost)
        r.set("cost_sar", Money.sar(cost))
        return r
    }

    func writeOutput() throws(DC1Error) {
        var bytes: [UInt8] = []
        for l in inputs {
            bytes.append(contentsOf: resultFor(l).dumpBytes())
            bytes.append(10)
        }
        try BatchFiles.replace(outPath, bytes)
    }

    func makeSummary() -> JSON {
        let o = JSON.object()
        var statuses: [String: Int] = [:]
        var attempts = 0
        for l in inputs {
            let st = resultFor(l).string("status") ?? "?"
            statuses[st, default: 0] += 1
            attempts += state.lines[l.line]!.attempts
        }
        o.set("lines", inputs.count)
        o.set("completed", statuses["completed"] ?? 0)
        o.set(
            "failed",
            inputs.count - (statuses["completed"] ?? 0) - (statuses["not_submitted"] ?? 0)
                - (statuses["running"] ?? 0) - (statuses["submit_unknown"] ?? 0))
        o.set("not_submitted", statuses["not_submitted"] ?? 0)
        o.set("running", statuses["running"] ?? 0)
        let st = JSON.object()
        for (k, v) in statuses.sorted(by: { $0.key < $1.key }) { st.set(k, v) }
        o.set("statuses", st)
        o.set("attempts", attempts)
        o.set("jobs_created", createdThisRun)
        let spent = counts().int("spent_halala") ?? 0
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
