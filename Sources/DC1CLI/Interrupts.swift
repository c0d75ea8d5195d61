import DC1Core
import Glibc

/// Ctrl-C without a signal handler. SIGINT is blocked in every thread (the mask is set before
/// any thread exists, so libcurl's and the core's threads inherit it) and one thread takes it
/// with sigtimedwait(). That thread is ordinary code, not a handler, so it may lock and call
/// Session.interrupt(). After the first SIGINT it keeps interrupting the registered clients
/// every 50 ms, so a call that starts just after the signal is ended too; the command then
/// unwinds with DC1_E_INTERRUPTED and exits 130. A second SIGINT exits 130 at once.
final class Interrupts: @unchecked Sendable {
    static let shared = Interrupts()

    private let lock = Lock()
    private var clients: [Session] = []
    private var signalled = false

    var isInterrupted: Bool { lock.withLock { signalled } }

    func register(_ c: Session) {
        let already = lock.withLock { () -> Bool in
            clients.append(c)
            return signalled
        }
        if already { c.interrupt() }
    }

    /// Blocks SIGINT and starts the thread that receives it. Call before any other thread exists.
    func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var tid = pthread_t()
        let rc = pthread_create(
            &tid, nil,
            { _ in
                Interrupts.shared.run()
                return nil
            }, nil)
        if rc == 0 {
            pthread_detach(tid)
        } else {
            // No thread: fall back to the default action (the process ends with SIGINT).
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }

    private func run() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        while true {
            var ts = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            let sig = sigtimedwait(&set, nil, &ts)
            if sig == SIGINT {
                let second = lock.withLock { () -> Bool in
                    defer { signalled = true }
                    return signalled
                }
                if second {
                    // The user insists: leave now, with a clean line on the terminal.
                    _ = "\n".withCString { write(2, $0, 1) }
                    _exit(ExitCode.interrupted)
                }
            }
            let targets = lock.withLock { signalled ? clients : [] }
            for c in targets { c.interrupt() }
        }
    }

    static func error() -> DC1Error { DC1Error(.interrupted, "interrupted") }
}
