import Glibc
import Synchronization

/// Stopping one call, not the whole client.
///
/// Three things end a blocking call early, all checked on every 25 ms poll slice of a
/// transfer and of every sleep between retries and polls:
/// - `Session.interrupt()` (dc1_client_interrupt): every call running on that client;
/// - a `CallStop` (dc1_stop) bound to the calling thread: the calls that thread makes;
/// - a `TickHook` (the on_event callback of a watch, stream or chat): the call it belongs to.
/// A call captures all three in its `InterruptToken` when it starts.

/// A per-call stop (dc1_stop_*). Trigger it from any thread; the calls made on the threads it
/// is bound to end with `.interrupted` within one poll slice.
public final class CallStop: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func trigger() { flag.store(true, ordering: .releasing) }

    public var isTriggered: Bool { flag.load(ordering: .acquiring) }

    /// Runs `body` with this stop bound to the calling thread (bindings nest; the previous
    /// one is restored afterwards).
    public func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let state = ThreadCallState.current
        let previous = state.stop
        state.stop = self
        defer { state.stop = previous }
        return try body()
    }

    /// Binds `stop` to the calling thread until the next bind (nil unbinds): dc1_stop_bind.
    public static func bind(_ stop: CallStop?) { ThreadCallState.current.stop = stop }

    /// The stop bound to the calling thread, if any.
    public static var bound: CallStop? { ThreadCallState.current.stop }
}

/// A caller's periodic check: `fire` runs at most every `intervalMs`, on the calling thread,
/// from the poll slices of the call; returning false ends the call (`.interrupted`).
public final class TickHook {
    let intervalMs: Int64
    private let fire: () -> Bool
    private var lastMs: Int64
    private var busy = false
    /// Set once `fire` (or the call's own event delivery) asked to stop.
    public private(set) var stopped = false

    public init(intervalMs: Int64, fire: @escaping () -> Bool) {
        self.intervalMs = intervalMs
        self.fire = fire
        self.lastMs = Clock.nowMs()
    }

    /// Called from a poll slice: true when the call must end.
    func poll() -> Bool {
        if stopped { return true }
        if busy { return false }  // a libdc1 call made from inside the callback
        let now = Clock.nowMs()
        guard now - lastMs >= intervalMs else { return false }
        lastMs = now
        busy = true
        let keepGoing = fire()
        busy = false
        if !keepGoing { stopped = true }
        return stopped
    }

    /// An event delivered outside the ticks (a status change) was answered "stop".
    public func markStopped() { stopped = true }

    /// Runs `body` with this hook on the calling thread, so every request the call makes
    /// (streams, polls, retries' sleeps) keeps ticking.
    public func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let state = ThreadCallState.current
        let previous = state.tick
        state.tick = self
        defer { state.tick = previous }
        return try body()
    }
}

/// What is bound to one thread: a stop and the tick hook of the call in progress.
final class ThreadCallState {
    var stop: CallStop?
    var tick: TickHook?

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { p in if let p { Unmanaged<ThreadCallState>.fromOpaque(p).release() } }
        return key
    }()

    static var current: ThreadCallState {
        if let p = pthread_getspecific(key) { return Unmanaged<ThreadCallState>.fromOpaque(p).takeUnretainedValue() }
        let s = ThreadCallState()
        pthread_setspecific(key, Unmanaged.passRetained(s).toOpaque())
        return s
    }

    /// The state when one exists, without creating it (the common, unbound case).
    static var existing: ThreadCallState? {
        guard let p = pthread_getspecific(key) else { return nil }
        return Unmanaged<ThreadCallState>.fromOpaque(p).takeUnretainedValue()
    }
}

/// Whether a call must end: taken when the call begins.
public struct InterruptToken: @unchecked Sendable {
    let client: Session
    let generation: Int
    let stop: CallStop?
    let tick: TickHook?

    init(client: Session, generation: Int) {
        self.client = client
        self.generation = generation
        let state = ThreadCallState.existing
        self.stop = state?.stop
        self.tick = state?.tick
    }

    public var isInterrupted: Bool {
        if client.generation() != generation { return true }
        if let stop, stop.isTriggered { return true }
        if let tick { return tick.poll() }
        return false
    }

    /// The error for a call this token ended, saying what ended it.
    public func error(attempts: Int? = nil) -> DC1Error {
        let why: String
        if client.generation() != generation {
            why = "the call was interrupted by dc1_client_interrupt()"
        } else if let stop, stop.isTriggered {
            why = "the call was stopped (dc1_stop_trigger)"
        } else if let tick, tick.stopped {
            why = "the call was stopped by its on_event callback"
        } else {
            why = "the call was interrupted"
        }
        var e = DC1Error(.interrupted, why)
        e.attempts = attempts
        return e
    }
}
