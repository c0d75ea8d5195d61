import CCrypto

/// §12.3: HMAC-SHA256 over the raw body, lowercase hex, optional "sha256=" prefix, compared in
/// constant time — with OpenSSL's libcrypto (HMAC, CRYPTO_memcmp).
public enum WebhookVerifier {
    /// HMAC-SHA256 of `message` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], message: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        let keyLen = Int32(clamping: key.count)
        key.withUnsafeBufferPointer { k in
            mac.withUnsafeMutableBufferPointer { m in
                // An empty buffer has no base address; OpenSSL needs a valid pointer either way.
                let msg = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
                let empty: [UInt8] = [0]
                empty.withUnsafeBufferPointer { e in
                    _ = HMAC(
                        EVP_sha256(), k.baseAddress ?? e.baseAddress, keyLen, msg ?? e.baseAddress, message.count,
                        m.baseAddress, &len)
                }
            }
        }
        return mac
    }

    public static func verify(secret: [UInt8], signatureHeader: String, body: UnsafeRawBufferPointer) -> Bool {
        var sig = Array(signatureHeader.trimmingSpaces.utf8)
        let prefix = Array("sha256=".utf8)
        if sig.count >= prefix.count && sig[0..<prefix.count].map({ $0 | 0x20 }) == prefix {
            sig.removeFirst(prefix.count)
        }
        let mac = hmacSHA256(key: secret, message: body)
        let hex = Array("0123456789abcdef".utf8)
        var expected = [UInt8]()
        for b in mac { expected.append(hex[Int(b >> 4)]); expected.append(hex[Int(b & 15)]) }
        guard sig.count == expected.count else { return false }
        for i in sig.indices where sig[i] >= 65 && sig[i] <= 70 { sig[i] |= 0x20 }  // hex is case-insensitive
        return sig.withUnsafeBytes { s in
            expected.withUnsafeBytes { e in CRYPTO_memcmp(s.baseAddress, e.baseAddress, 64) }
        } == 0
    }
}
