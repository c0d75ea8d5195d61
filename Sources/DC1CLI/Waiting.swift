import DC1Core

/// Waiting for a job: the core's watch does the waiting; the CLI only draws what it reports.
/// On a terminal a spinner line redrawn with \r from the watch's ticks, and a line per status
/// change; plain "status: running (12s)" lines when stderr is not one; nothing with --json.
/// Ctrl-C ends the watch through its callback.
struct JobWaiter {
    let ctx: Context
    let client: Session
    var timeoutMs: Int64 = 600_000
    /// "ready" mode (vllm_serve): done when the job runs with an endpoint_url.
    var ready = false

    static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Returns the job document at the end. In terminal mode a job that ended other than
    /// completed is an error (exit 9); in ready mode so is any end at all.
    func wait(_ jobID: String) throws -> JSON {
        var w = Jobs.WaitOptions()
        w.timeoutMs = timeoutMs
        w.ready = ready
        w.pollIntervalMs = 500
        w.maxPollIntervalMs = 5_000
        w.tickMs = 100
        let console = ctx.console
        let quiet = ctx.json
        var frame = 0
        var status = "…"
        let what = ready ? "waiting for the endpoint" : "waiting"
        defer { if !quiet { console.clearStatus() } }
        let doc: JSON
        do {
            doc = try client.jobs.watch(jobID, options: w) { ev in
                if Interrupts.shared.isInterrupted { return false }
                guard !quiet else { return true }
                let elapsed = Format.seconds(Int64(ev.int("elapsed_ms") ?? 0))
                switch ev.string("type") {
                case "status":
                    status = ev.string("status") ?? "unknown"
                    console.err(console.interactive ? "· \(status) (\(elapsed))" : "status: \(status) (\(elapsed))")
                case "retry":
                    if ctx.globals.verbose {
                        console.err("dc1: \(ev.string("message") ?? "a request failed"); still waiting")
                    }
                case "tick":
                    frame = (frame + 1) % JobWaiter.frames.count
                    console.status(
                        "\(JobWaiter.frames[frame]) \(jobID) \(status) · \(elapsed) · \(what) (Ctrl-C to stop)")
                default: break
                }
                return true
            }
        } catch {
            if error.code == .interrupted && Interrupts.shared.isInterrupted { throw Interrupts.error() }
            throw error
        }
        if !ready && doc.string("status") != "completed" { throw jobEndedError(doc) }
        return doc
    }
}
