import CBase64

/// RFC 4648 base64 decoding (standard alphabet; whitespace skipped; URL-safe letters accepted).
public enum Base64 {
    fileprivate static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Decodes, or returns nil on a character outside the alphabet or a bad length.
    public static func decode<C: Collection>(_ input: C) -> [UInt8]? where C.Element == UInt8 {
        if let r = input.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(input).withUnsafeBytes { decode($0) }
    }

    /// Decodes raw bytes. Images are many megabytes, so the common case (no whitespace, length
    /// a multiple of 4) takes four characters at a time into a buffer sized up front; anything
    /// else falls back to the general loop.
    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        if let fast = decodeCanonical(input) { return fast }
        return decodeGeneral(input)
    }

    /// Decodes canonical base64 (no whitespace, length a multiple of 4) over itself and returns
    /// the decoded length, or nil (the buffer is then unspecified) when it is not canonical.
    public static func decodeInPlace(_ buf: UnsafeMutableRawBufferPointer) -> Int? {
        let n = buf.count
        guard n % 4 == 0, let base = buf.baseAddress else { return n == 0 ? 0 : nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var pad = 0
        if p[n - 1] == 61 { pad = p[n - 2] == 61 ? 2 : 1 }
        let t = table
        return t.withUnsafeBufferPointer { tab -> Int? in
            let full = pad > 0 ? n - 4 : n
            var i = 0, o = 0
            while i < full {
                let a = tab[Int(p[i])], b = tab[Int(p[i + 1])], c = tab[Int(p[i + 2])], d = tab[Int(p[i + 3])]
                if (a | b | c | d) < 0 { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                p[o] = UInt8(truncatingIfNeeded: v >> 16)  // o ≤ i: never ahead of the reader
                p[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                p[o + 2] = UInt8(truncatingIfNeeded: v)
                i += 4; o += 3
            }
            if pad > 0 {
                let a = tab[Int(p[i])], b = tab[Int(p[i + 1])]
                let c = pad == 1 ? tab[Int(p[i + 2])] : 0
                if (a | b | c) < 0 { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                p[o] = UInt8(truncatingIfNeeded: v >> 16); o += 1
                if pad == 1 { p[o] = UInt8(truncatingIfNeeded: v >> 8); o += 1 }
            }
            return o
        }
    }

    /// Canonical input through the kernel (AVX2/SSSE3/table-driven scalar, CBase64): whole
    /// groups of the standard alphabet, then the last group by the general rules.
    private static func decodeCanonical(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = input.count
        guard n % 4 == 0, let base = input.baseAddress else { return n == 0 ? [] : nil }
        var d = Decoder()
        let out = [UInt8](unsafeUninitializedCapacity: Decoder.maxOutput(n)) { buf, written in
            written = d.feed(base.assumingMemoryBound(to: UInt8.self), n, into: buf.baseAddress!).written
        }
        return d.isComplete ? out : nil
    }

    /// The plain one-character-at-a-time decoder: the reference the tests hold the kernel and
    /// the incremental decoder to.
    public static func decodeReference(_ input: UnsafeRawBufferPointer) -> [UInt8]? { decodeGeneral(input) }

    private static func decodeGeneral(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let t = table
        return t.withUnsafeBufferPointer { tab -> [UInt8]? in
            var failed = false
            let out = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 3) { buf, written in
                var acc: UInt32 = 0
                var bits = 0
                var padding = 0
                var o = 0
                for c in input {
                    if c == 61 { padding += 1; continue }  // '='
                    if c == 10 || c == 13 || c == 32 || c == 9 { continue }
                    let v = tab[Int(c)]
                    if v < 0 || padding > 0 { failed = true; break }  // bad character, or data after '='
                    acc = (acc << 6) | UInt32(v)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buf[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                        o += 1
                    }
                }
                if bits >= 6 || padding > 2 { failed = true }
                written = o
            }
            return failed ? nil : out
        }
    }

    /// An incremental decoder: feed the text in pieces split anywhere; the bytes equal
    /// `decode` of the whole text, and `isComplete` after the last piece says whether `decode`
    /// would have succeeded. Same rules: whitespace skipped, '=' only at the end (at most two),
    /// URL-safe letters accepted. Whole aligned groups go through the kernel several bytes a
    /// step; only whitespace, padding and URL-safe letters take the one-character path.
    public struct Decoder {
        private var acc: UInt32 = 0
        private var bits = 0
        private var padding = 0
        public private(set) var failed = false
        public init() {}

        /// Output room `feed` needs for `n` input bytes (the kernel stores whole vectors).
        @inline(__always) public static func maxOutput(_ n: Int) -> Int { n / 4 * 3 + 40 }

        /// Whether the text so far is a complete valid encoding.
        public var isComplete: Bool { !failed && bits < 6 && padding <= 2 }

        /// Decodes `n` bytes at `p` into `out` (room: maxOutput(n)). With `stopAtJSON` it stops
        /// before a '"' or '\\' (the end of a JSON string or an escape), leaving it unconsumed.
        /// Stops at the first invalid character with `failed` set.
        public mutating func feed(
            _ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<UInt8>,
            stopAtJSON: Bool = false
        ) -> (consumed: Int, written: Int) {
            var i = 0, o = 0
            if failed { return (0, 0) }
            while i < n {
                if bits == 0 && padding == 0 && n - i >= 4 {
                    var c = 0
                    o += dcb64_decode_groups(p + i, n - i, out + o, &c)
                    i += c
                    if i >= n { break }
                }
                let ch = p[i]
                if stopAtJSON && (ch == 0x22 || ch == 0x5C) { break }
                i += 1
                if ch == 61 { padding += 1; continue }  // '='
                if ch == 10 || ch == 13 || ch == 32 || ch == 9 { continue }
                let v = Base64.table.withUnsafeBufferPointer { $0[Int(ch)] }
                if v < 0 || padding > 0 { failed = true; break }
                acc = (acc << 6) | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                    o += 1
                }
            }
            return (i, o)
        }
    }

    public static func encode(_ data: [UInt8]) -> String {
        let a = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            out += [a[Int(n >> 18 & 63)], a[Int(n >> 12 & 63)], a[Int(n >> 6 & 63)], a[Int(n & 63)]]
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            out += [a[Int(n >> 18 & 63)], a[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            out += [a[Int(n >> 18 & 63)], a[Int(n >> 12 & 63)], a[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
