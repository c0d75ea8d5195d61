import Glibc

/// Monotonic and wall-clock time, without Foundation.
public enum Clock {
    /// Milliseconds on the monotonic clock (deadlines and intervals).
    public static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Seconds since the Unix epoch (wall clock).
    public static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Sleeps up to `ms`, waking every 25 ms to ask `stop`; returns false when stopped.
    public static func sleep(ms: Int64, stop: () -> Bool) -> Bool {
        let end = nowMs() + ms
        while true {
            if stop() { return false }
            let left = end - nowMs()
            if left <= 0 { return true }
            let slice = min(left, 25)
            var ts = timespec(tv_sec: 0, tv_nsec: Int(slice) * 1_000_000)
            nanosleep(&ts, nil)
        }
    }
}

/// A point in time by which a call must be done.
public struct Deadline: Sendable {
    public let atMs: Int64
    public init(afterMs ms: Int64) { atMs = Clock.nowMs() + ms }
    public var remainingMs: Int64 { atMs - Clock.nowMs() }
    public var expired: Bool { remainingMs <= 0 }
}

/// Server timestamps come as ISO-8601 with a Z or as "YYYY-MM-DD HH:MM:SS[.sss]" without a
/// zone (docs/server.md §1.5); both are UTC.
public enum Timestamp {
    public static func parse(_ s: String) -> Double? {
        let b = Array(s.utf8)
        func num(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 19, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
            let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2),
            b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 32
        else { return nil }
        var t = tm()
        t.tm_year = Int32(y - 1900); t.tm_mon = Int32(mo - 1); t.tm_mday = Int32(d)
        t.tm_hour = Int32(h); t.tm_min = Int32(mi); t.tm_sec = Int32(se)
        var secs = Double(timegm(&t))
        if b.count > 20, b[19] == 46 {
            var i = 20, frac = 0.0, scale = 0.1
            while i < b.count, b[i] >= 48, b[i] <= 57 { frac += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            secs += frac
        }
        return secs
    }
}
