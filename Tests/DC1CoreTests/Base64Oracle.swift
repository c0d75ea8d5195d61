/// The tests' own base64: an encoder to make inputs and a plain one-character-at-a-time
/// decoder that the library's decoder (kernel and incremental paths) is held to. Written apart
/// from the library's so that a mistake in one is not copied into the other.
enum TestBase64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i < data.count {
            let b0 = UInt32(data[i])
            let b1 = i + 1 < data.count ? UInt32(data[i + 1]) : 0
            let b2 = i + 2 < data.count ? UInt32(data[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < data.count ? alphabet[Int(n >> 6 & 63)] : 61)
            out.append(i + 2 < data.count ? alphabet[Int(n & 63)] : 61)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func value(_ c: UInt8) -> Int? {
        if let i = alphabet.firstIndex(of: c) { return i }
        if c == UInt8(ascii: "-") { return 62 }
        if c == UInt8(ascii: "_") { return 63 }
        return nil
    }

    /// Whitespace skipped, '=' only at the end (at most two), URL-safe letters accepted.
    static func decodeReference(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in input {
            if c == 61 {
                padding += 1
                continue
            }
            if c == 10 || c == 13 || c == 32 || c == 9 { continue }
            guard let v = value(c), padding == 0 else { return nil }
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        if bits >= 6 || padding > 2 { return nil }
        return out
    }
}
