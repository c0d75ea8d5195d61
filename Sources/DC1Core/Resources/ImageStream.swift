import CBase64
import Glibc

/// The image formats an image job produces, told by their first bytes.
enum ImageMagic {
    /// "png", "jpeg" or "webp", or nil for anything else (a script, an HTML page, nothing).
    static func format(_ head: UnsafeRawBufferPointer) -> String? {
        let b = Array(head.prefix(12))
        if b.count >= 8, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return "png" }
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return "jpeg" }
        if b.count >= 12, b[0..<4] == [0x52, 0x49, 0x46, 0x46], b[8..<12] == [0x57, 0x45, 0x42, 0x50] {
            return "webp"
        }
        return nil
    }

    static func format(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBytes { format($0) } }

    static func check(_ head: UnsafeRawBufferPointer, jobID: String) throws(DC1Error) {
        guard format(head) == nil else { return }
        let shown = head.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
        throw DC1Error(
            .protocolError,
            "job \(jobID) image_base64 does not hold a PNG, JPEG or WebP image"
                + (head.isEmpty ? " (it is empty)" : " (it starts with bytes \(shown))") + "; nothing was written")
    }
}

/// Decodes the image of a §8.3 image body while it downloads (dc1_job_save_image).
///
/// A small state machine follows the JSON structure of the body as libcurl hands it over: it
/// keeps every byte in memory except the value of the top-level "image_base64" string, which
/// it base64-decodes on the spot (Base64.Decoder) into a buffer of `bufferSize` bytes that is
/// written to a temporary file next to the target. So the response the ordinary path sees is
/// the body with `"image_base64":""`, and what stays in memory is that buffer plus the small
/// rest of the document. Anything but a 200 whose body is a JSON object with a string
/// "image_base64" passes through whole (errors, 202/204/206/410, text outputs), for the
/// ordinary path to interpret exactly as dc1_job_output does.
final class ImageStreamSink: BodyFilter {
    static let bufferSize = 1 << 20
    private static let key = Array("image_base64".utf8)

    let path: String
    let jobID: String
    /// The file being written, under its temporary name until commit().
    private var file: AtomicFile?
    var tmpPath: String? { file?.tmpPath }
    private let buf: UnsafeMutablePointer<UInt8>
    private var used = 0
    private(set) var failure: DC1Error?
    /// Whether this attempt's body is being decoded to the file (and `body` lacks the image).
    private(set) var streamed = false
    private(set) var decodedBytes = 0
    private(set) var head: [UInt8] = []
    private var decoder = Base64.Decoder()

    private enum Mode { case undecided, json, image, passthrough }
    private var mode = Mode.undecided
    private var depth = 0
    private var inString = false
    private var escape = false
    private var expectKey = false
    private var isKey = false
    private var keyIndex = 0
    private var keyMatches = false
    /// 1: the key just read was "image_base64"; 2: and its ':' was seen.
    private var stage = 0
    private var imageDone = false
    /// Inside the image string: 0 none, 1 after a backslash, 2…5 reading the hex of \uXXXX.
    private var imageEscape = 0
    private var unicode: UInt32 = 0

    init(path: String, jobID: String) {
        self.path = path
        self.jobID = jobID
        buf = .allocate(capacity: ImageStreamSink.bufferSize)
    }

    deinit {
        discard()
        buf.deallocate()
    }

    /// A new attempt (libcurl retry): forget everything, remove the partial file.
    func begin() {
        discard()
        used = 0
        failure = nil
        streamed = false
        decodedBytes = 0
        head = []
        decoder = Base64.Decoder()
        mode = .undecided
        depth = 0
        inString = false
        escape = false
        expectKey = false
        isKey = false
        keyIndex = 0
        keyMatches = false
        stage = 0
        imageDone = false
        imageEscape = 0
    }

    /// Closes and removes the temporary file, unless it was renamed into place.
    func discard() {
        file?.abort()
        file = nil
    }

    func feed(_ chunk: UnsafeRawBufferPointer, status: Int, body: inout [UInt8]) -> Bool {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return true }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = chunk.count
        if mode == .undecided {
            // Only a 200 is decoded on the fly; everything else is the ordinary path's.
            if status != 200 {
                mode = .passthrough; if body.isEmpty { body.reserveCapacity(4096) }
            } else {
                mode = .json
            }
        }
        if mode == .passthrough {
            body.append(contentsOf: chunk)
            return true
        }
        var i = 0
        var segment = 0  // start of the bytes still to append to `body`
        while i < n {
            if mode == .image {
                guard imageStep(p, n, &i) else { return false }
                if mode == .json { segment = i; i += 1 }  // the closing quote belongs to the body
                continue
            }
            if mode == .passthrough {
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[segment...]))
                return true
            }
            let c = p[i]
            if inString {
                if escape { escape = false; keyMatches = false; i += 1; continue }
                if c == 0x5C { escape = true; i += 1; continue }
                if c == 0x22 {
                    inString = false
                    if isKey && keyMatches && keyIndex == ImageStreamSink.key.count { stage = 1 }
                    isKey = false
                    i += 1
                    continue
                }
                if isKey {
                    if keyMatches && keyIndex < ImageStreamSink.key.count && c == ImageStreamSink.key[keyIndex] {
                        keyIndex += 1
                    } else {
                        keyMatches = false
                    }
                    i += 1
                    continue
                }
                // A value string: skip to its end or next escape.
                i += 1
                while i < n && p[i] != 0x22 && p[i] != 0x5C { i += 1 }
                continue
            }
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            case 0x22:
                if stage == 2 && depth == 1 {
                    if imageDone {
                        fail(DC1Error(.protocolError, "job \(jobID) output has image_base64 twice"))
                        return false
                    }
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[segment...i]))
                    guard openFile() else { return false }
                    mode = .image
                    streamed = true
                    stage = 0
                    i += 1
                    continue
                }
                stage = 0
                inString = true
                isKey = depth == 1 && expectKey
                expectKey = false
                keyIndex = 0
                keyMatches = isKey
            case 0x3A:
                stage = stage == 1 ? 2 : 0
            case 0x7B, 0x5B:
                if depth == 0 && c != 0x7B && !streamed { mode = .passthrough; continue }
                depth += 1
                stage = 0
                expectKey = c == 0x7B && depth == 1
            case 0x7D, 0x5D:
                depth -= 1
                stage = 0
            case 0x2C:
                stage = 0
                if depth == 1 { expectKey = true }
            default:
                stage = 0
                if depth == 0 && !streamed { mode = .passthrough; continue }
            }
            i += 1
        }
        if segment < n && mode != .image {
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[segment...]))
        }
        return true
    }

    /// Decodes from `i` up to the end of the chunk or of the string; on the closing quote sets
    /// mode back to .json with `i` at the quote.
    private func imageStep(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool {
        while i < n {
            if imageEscape != 0 {
                let c = p[i]
                i += 1
                var byte: UInt8? = nil
                if imageEscape == 1 {
                    switch c {
                    case 0x2F: byte = 0x2F  // \/
                    case 0x6E, 0x72, 0x74: byte = 0x0A  // \n \r \t: whitespace, skipped
                    case 0x75: imageEscape = 2; unicode = 0; continue  // \uXXXX
                    default: byte = 0x5C  // \" \\ \b \f or invalid: not base64
                    }
                } else {
                    guard let h = hexValue(c) else { return invalid() }
                    unicode = unicode << 4 | h
                    imageEscape += 1
                    if imageEscape < 6 { continue }
                    byte = unicode < 0x80 ? UInt8(unicode) : 0x5C
                }
                imageEscape = 0
                if var b = byte {
                    guard room(1) else { return false }
                    let r = decoder.feed(&b, 1, into: buf + used)
                    take(r.written)
                    if decoder.failed { return invalid() }
                }
                continue
            }
            let len = Swift.min(n - i, 1 << 16)
            guard room(len) else { return false }
            let r = decoder.feed(p + i, len, into: buf + used, stopAtJSON: true)
            take(r.written)
            i += r.consumed
            if decoder.failed { return invalid() }
            if r.consumed < len {
                if p[i] == 0x22 { mode = .json; imageDone = true; return true }
                imageEscape = 1  // a backslash
                i += 1
            }
        }
        return true
    }

    private func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    private func invalid() -> Bool {
        fail(DC1Error(.protocolError, "job \(jobID) image_base64 is not valid base64"))
        return false
    }

    private func fail(_ e: DC1Error) {
        if failure == nil { failure = e }
        discard()
    }

    private func take(_ written: Int) {
        if head.count < 16 && written > 0 {
            head.append(contentsOf: UnsafeBufferPointer(start: buf + used, count: Swift.min(16 - head.count, written)))
        }
        used += written
        decodedBytes += written
    }

    /// Makes room for decoding `n` more input bytes, writing the buffer out when needed.
    private func room(_ n: Int) -> Bool {
        if ImageStreamSink.bufferSize - used >= Base64.Decoder.maxOutput(n) { return true }
        return flush()
    }

    private func openFile() -> Bool {
        do throws(DC1Error) {
            file = try AtomicFile(path)
            return true
        } catch {
            fail(error)
            return false
        }
    }

    private func flush() -> Bool {
        guard let file else { return used == 0 }
        do throws(DC1Error) {
            try file.write(UnsafeRawBufferPointer(start: buf, count: used))
        } catch {
            fail(error)
            return false
        }
        used = 0
        return true
    }

    /// After the body arrived: checks the image is whole and valid, writes the rest and closes
    /// the file (still under its temporary name).
    func finish() throws(DC1Error) {
        if let failure { throw failure }
        if mode == .image {
            fail(DC1Error(.protocolError, "job \(jobID) output ended inside image_base64 (truncated body)"))
            throw failure!
        }
        guard decoder.isComplete else { _ = invalid(); throw failure! }
        let bad: DC1Error? = head.withUnsafeBytes { h in
            do throws(DC1Error) { try ImageMagic.check(h, jobID: jobID); return nil } catch { return error }
        }
        if let bad { fail(bad); throw bad }
        guard flush() else { throw failure! }
    }

    /// Makes the finished file durable and renames it into place.
    func commit() throws(DC1Error) {
        guard let file else { throw DC1Error(.io, "no image file to rename") }
        do throws(DC1Error) {
            try file.commit()
        } catch {
            discard()
            throw error
        }
        self.file = nil
    }
}
