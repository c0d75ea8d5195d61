/// Random identifiers and jitter (SystemRandomNumberGenerator reads getrandom()).
public enum Random {
    public static func hex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let v = UInt8.random(in: 0...255, using: &g)
            out.append(digits[Int(v >> 4)]); out.append(digits[Int(v & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A new X-Request-Id.
    public static func requestID() -> String { "dc1-" + hex(bytes: 12) }

    public static func uniform(_ upTo: Int64) -> Int64 {
        upTo <= 0 ? 0 : Int64.random(in: 0...upTo)
    }
}
