import Glibc

/// The API key, held in malloc'd bytes that are wiped when the last client using it goes
/// away. It is never turned into a Swift String, so no copy lingers in freed Swift memory.
public final class SecretKey: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Copies `count` bytes; nil when empty or holding whitespace/control characters.
    /// Surrounding whitespace is dropped (a key read from a file keeps its newline);
    /// whitespace or control characters inside the key make it invalid.
    public init?(copying p: UnsafePointer<UInt8>, count: Int) {
        func space(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        var start = 0, end = count
        while start < end, space(p[start]) { start += 1 }
        while end > start, space(p[end - 1]) { end -= 1 }
        let n = end - start
        guard n > 0, n < 4096 else { return nil }
        for i in start..<end where p[i] < 0x21 || p[i] == 0x7F { return nil }
        bytes = .allocate(capacity: n)
        bytes.initialize(from: p + start, count: n)
        self.count = n
    }

    public convenience init?(_ s: String) {
        var s = s
        let made: SecretKey?? = s.withUTF8 { b in
            guard let base = b.baseAddress else { return .some(nil) }
            return .some(SecretKey(copying: base, count: b.count))
        }
        guard let k = made ?? nil else { return nil }
        self.init(copying: k.bytes, count: k.count)
    }

    deinit {
        Wipe.bytes(bytes, count)
        bytes.deallocate()
    }

    /// Calls `body` with "<prefix><key>" as a NUL-terminated C string in a temporary buffer that
    /// is wiped afterwards.
    func withHeader<T>(prefix: String, _ body: (UnsafePointer<CChar>) -> T) -> T {
        let pre = Array(prefix.utf8)
        let n = pre.count + count + 1
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        defer { Wipe.bytes(buf, n); buf.deallocate() }
        pre.withUnsafeBufferPointer { buf.update(from: $0.baseAddress!, count: pre.count) }
        (buf + pre.count).update(from: bytes, count: count)
        buf[n - 1] = 0
        return buf.withMemoryRebound(to: CChar.self, capacity: n) { body($0) }
    }
}

enum Wipe {
    /// memset that the optimiser may not remove (explicit_bzero from glibc).
    static func bytes(_ p: UnsafeMutableRawPointer, _ n: Int) { explicit_bzero(p, n) }
}
