import Synchronization

/// Random identifiers and jitter (SystemRandomNumberGenerator reads getrandom()).
public enum Random {
    public static func hex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 2)
        var word: UInt64 = 0
        for i in 0..<bytes {
            if i % 8 == 0 { word = g.next() }  // one getrandom per 8 bytes
            let v = UInt8(truncatingIfNeeded: word >> UInt64((i % 8) * 8))
            out.append(digits[Int(v >> 4)]); out.append(digits[Int(v & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A new X-Request-Id: a random per-process prefix and a counter, so making one costs no
    /// system call (unique within the process, and across processes by the prefix).
    public static func requestID() -> String {
        "dc1-" + requestPrefix + "-" + String(requestCounter.add(1, ordering: .relaxed).newValue, radix: 16)
    }
    private static let requestPrefix = hex(bytes: 8)
    private static let requestCounter = Atomic<Int>(0)

    public static func uniform(_ upTo: Int64) -> Int64 {
        upTo <= 0 ? 0 : Int64.random(in: 0...upTo)
    }
}
