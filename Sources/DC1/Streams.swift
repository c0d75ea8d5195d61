import DC1Core
import Synchronization

/// An `AsyncSequence` over one streaming core call (a watch, a log follow, a chat stream), with
/// the typed error `DC1Error`.
///
/// Each `for try await` loop (each iterator) runs the call once, on a thread the library owns,
/// starting when the loop starts. Breaking out of the loop, dropping the iterator or cancelling
/// the task ends the call within one 25 ms poll slice through the core's per-call stop: the
/// server sees no further requests. Cancelling the task makes `next()` throw `.interrupted`.
/// Elements are buffered while the consumer is busy (nothing is dropped).
public struct DC1Stream<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = DC1Error

    /// Runs on the worker thread; `yield` returns false once the consumer has gone.
    typealias Producer = @Sendable (_ yield: @escaping (Element) -> Bool) throws(DC1Error) -> Void

    let what: String
    let produce: Producer

    init(_ what: String, _ produce: @escaping Producer) {
        self.what = what
        self.produce = produce
    }

    /// Shared by the producer thread and the iterator.
    final class State: Sendable {
        let stop = CallStop()
        let finished = Atomic<Bool>(false)
        deinit { stop.trigger() }  // the last iterator copy is gone: end the call
    }

    public func makeAsyncIterator() -> Iterator {
        let (stream, continuation) = AsyncStream<Result<Element, DC1Error>>.makeStream()
        let state = State()
        let stop = state.stop
        continuation.onTermination = { _ in stop.trigger() }
        let produce = self.produce
        let what = self.what
        let finished = Finished(state)
        OwnThread.start {
            do throws(DC1Error) {
                try stop.run { () throws(DC1Error) in
                    try produce { element in
                        if stop.isTriggered { return false }
                        if case .terminated = continuation.yield(.success(element)) { return false }
                        return true
                    }
                }
                finished.set()
            } catch {
                if !stop.isTriggered { finished.set() }
                continuation.yield(.failure(stop.isTriggered ? OwnThread.cancelled(what) : error))
            }
            continuation.finish()
        }
        return Iterator(inner: stream.makeAsyncIterator(), state: state, what: what)
    }

    /// Lets the producer mark the end without keeping the iterator's state alive.
    final class Finished: Sendable {
        weak let state: State?
        init(_ state: State) { self.state = state }
        func set() { state?.finished.store(true, ordering: .releasing) }
    }

    /// Iterates one run of the call; see ``DC1Stream``.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Failure = DC1Error
        var inner: AsyncStream<Result<Element, DC1Error>>.Iterator
        let state: State
        let what: String

        /// The next element, nil at the end; throws the call's error, or `.interrupted` when the task was cancelled.
        public mutating func next() async throws(DC1Error) -> Element? {
            try await next(isolation: nil)
        }

        /// The next element, nil at the end; throws the call's error, or `.interrupted` when the task was cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(DC1Error) -> Element? {
            guard let r = await inner.next(isolation: actor) else {
                // The stream ended without the call finishing: the task was cancelled.
                if !state.finished.load(ordering: .acquiring) && Task.isCancelled { throw OwnThread.cancelled(what) }
                return nil
            }
            switch r {
            case .success(let e): return e
            case .failure(let e): throw e
            }
        }
    }
}

extension DC1Client {
    /// What a wait on the job sees, as it happens: `.status` on every change (the first one
    /// included), `.retry` for a transient failure it rides out, `.tick` every
    /// `options.tickInterval`, and last `.finished(job)` when the job is terminal.
    ///
    /// ```swift
    /// for try await event in client.events(for: job.jobID) {
    ///     if case .status(let s, _, _) = event { print("now", s) }
    /// }
    /// ```
    /// Breaking out of the loop ends the wait (no more requests).
    /// - Throws: as ``wait(_:timeout:options:)``.
    public func events(
        for jobID: String, timeout: Duration = .seconds(600),
        options: WaitOptions = .default
    ) -> DC1Stream<WaitEvent> {
        let w = coreWait(timeout: timeout, options: options, mode: .terminal)
        let core = self.core
        return DC1Stream("events") { (yield) throws(DC1Error) in
            let doc: JSON
            do throws(DC1Error) {
                doc = try core.jobs.watch(jobID, options: w) { ev in
                    guard let e = WaitEvent(ev) else { return true }
                    return yield(e)
                }
            } catch { throw core.redacted(error) }
            _ = yield(.finished(Job(doc)))
        }
    }

    /// The job's log lines, followed to the job's end: the server's log stream where it offers
    /// one, otherwise polling; a dropped connection resumes after the last line, so no line comes
    /// twice. Starts after line `since`. Breaking out of the loop ends the follow.
    public func logLines(for jobID: String, since: Int = 0, timeout: Duration = .seconds(3600)) -> DC1Stream<LogLine> {
        var o = Streams.Options()
        o.since = since
        o.timeoutMs = Swift.max(1, timeout.milliseconds)
        let core = self.core
        let opts = o
        return DC1Stream("logLines") { (yield) throws(DC1Error) in
            do throws(DC1Error) {
                _ = try core.streams.followLogs(jobID, options: opts) { ev in
                    guard ev.string("type") == "log" else { return true }
                    return yield(LogLine(ev))
                }
            } catch { throw core.redacted(error) }
        }
    }

    /// A streamed chat completion: the text as it is generated, piece by piece.
    ///
    /// ```swift
    /// for try await piece in client.chatStream(ChatRequest(model: model, messages: [.user("Hi")])) {
    ///     print(piece, terminator: "")
    /// }
    /// ```
    /// Breaking out of the loop closes the connection. A stream cut before its end throws
    /// `.network` (the text so far is in `error.detail("partial")`).
    public func chatStream(_ request: ChatRequest) -> DC1Stream<String> {
        let core = self.core
        return DC1Stream("chatStream") { (yield) throws(DC1Error) in
            do throws(DC1Error) {
                _ = try core.streams.chat(request.json(stream: true)) { t in
                    guard t.string("type") == "token", let piece = t.string("content") else { return true }
                    return yield(piece)
                }
            } catch { throw core.redacted(error) }
        }
    }

    /// A streamed chat completion to `model` with a single user message.
    public func chatStream(model: String, _ prompt: String, maxTokens: Int? = nil) -> DC1Stream<String> {
        chatStream(ChatRequest(model: model, messages: [.user(prompt)], maxTokens: maxTokens))
    }
}
