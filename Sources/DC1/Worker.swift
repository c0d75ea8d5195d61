import Glibc
import DC1Core

/// Where the blocking work of `DC1Client` runs: one detached pthread per call, owned by the
/// library, never a thread of Swift's cooperative pool.
///
/// libcurl blocks the thread that drives a transfer, and a wait can take minutes. Running that
/// on the cooperative pool (a handful of threads, one per core) would let a few waits stall
/// every other task in the process. Instead each call starts its own thread (4 MiB of stack
/// reserved, of which only the pages used are touched),
/// the awaiting task is suspended on a continuation, and the thread resumes it when the core
/// returns. An idle await therefore costs one parked thread, not a pool thread.
///
/// Cancellation: the call runs inside `CallStop.run { … }` on that thread, and the task's
/// cancellation handler triggers the stop, so the core ends the call with `.interrupted`
/// within one 25 ms poll slice, and only that call.
enum OwnThread {
    /// Stack size of a worker thread: room for jansson's and the value conversion's recursion
    /// on a document nested to jansson's depth limit (2048). It is address space, not memory:
    /// a parked wait touches a few pages of it.
    static let stackBytes = 4 << 20

    /// Starts `body` on a new detached thread (the core's Files.spawnThread). Falls back to
    /// running it inline only if the system refuses a thread (it then still completes, on the
    /// caller's thread).
    static func start(_ body: @escaping @Sendable () -> Void) {
        if Files.spawnThread(detached: true, stackBytes: stackBytes, body) == nil { body() }
    }

    /// The error a cancelled task's call ends with.
    static func cancelled(_ what: String) -> DC1Error {
        DC1Error(.interrupted, "\(what): the task awaiting this call was cancelled")
    }

    /// Runs a blocking core call on its own thread with per-call stop bound to Task cancellation.
    static func call<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable () throws(DC1Error) -> T
    ) async throws(DC1Error) -> T {
        if Task.isCancelled { throw cancelled(what) }
        let stop = CallStop()
        let result: Result<T, DC1Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<T, DC1Error>, Never>) in
                start {
                    let r: Result<T, DC1Error>
                    do throws(DC1Error) {
                        r = .success(try stop.run { () throws(DC1Error) -> T in try body() })
                    } catch {
                        r = .failure(error)
                    }
                    c.resume(returning: r)
                }
            }
        } onCancel: {
            stop.trigger()
        }
        switch result {
        case .success(let v): return v
        case .failure(var e):
            if e.code == .interrupted && stop.isTriggered {
                let core = e.message
                e.message = cancelled(what).message
                e.setDetail("core_message", .string(core))
            }
            throw e
        }
    }
}
