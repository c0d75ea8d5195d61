import CBase64

/// RFC 4648 base64 decoding (standard alphabet; whitespace skipped; URL-safe letters accepted):
/// one decoder, the incremental `Decoder`, over the C kernel's groups and its one table
/// (CBase64: dcb64_decode_groups, dcb64_value).
public enum Base64 {
    /// Decodes, or returns nil on a character outside the alphabet or a bad length.
    public static func decode<C: Collection>(_ input: C) -> [UInt8]? where C.Element == UInt8 {
        if let r = input.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(input).withUnsafeBytes { decode($0) }
    }

    /// Decodes raw bytes through `Decoder` into a buffer sized up front (images are many
    /// megabytes).
    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = input.count
        guard let base = input.baseAddress else { return [] }
        var d = Decoder()
        let out = [UInt8](unsafeUninitializedCapacity: Decoder.maxOutput(n)) { buf, written in
            written = d.feed(base.assumingMemoryBound(to: UInt8.self), n, into: buf.baseAddress!).written
        }
        return d.isComplete ? out : nil
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
                let v = dcb64_value(ch)
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
}
