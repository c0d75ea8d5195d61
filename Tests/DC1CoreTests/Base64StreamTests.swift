import CBase64
import Glibc
import Testing
@testable import DC1Core

/// A small deterministic generator (the tests must not depend on the run).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// The incremental decoder fed in pieces.
func decodeIncrementally(_ text: [UInt8], cuts: [Int]) -> [UInt8]? {
    var d = Base64.Decoder()
    var out: [UInt8] = []
    var from = 0
    for cut in cuts + [text.count] where cut >= from {
        let piece = Array(text[from..<cut])
        var buf = [UInt8](repeating: 0, count: Base64.Decoder.maxOutput(piece.count))
        let r = piece.withUnsafeBufferPointer { p in
            buf.withUnsafeMutableBufferPointer { o in
                d.feed(p.baseAddress ?? UnsafePointer(bitPattern: 1)!, piece.count, into: o.baseAddress!)
            }
        }
        if d.failed { return nil }
        #expect(r.consumed == piece.count)
        out += buf.prefix(r.written)
        from = cut
    }
    return d.isComplete ? out : nil
}

func reference(_ text: [UInt8]) -> [UInt8]? { text.withUnsafeBytes { TestBase64.decodeReference($0) } }

/// Variants of a valid encoding: what the decoders must agree on, valid or not.
func variants(_ data: [UInt8], _ rng: inout SplitMix) -> [[UInt8]] {
    let plain = Array(TestBase64.encode(data).utf8)
    var vs: [[UInt8]] = [plain]
    vs.append(plain.filter { $0 != 61 })  // unpadded
    vs.append(plain.map { $0 == 43 ? 45 : $0 == 47 ? 95 : $0 })  // URL-safe letters
    var wrapped: [UInt8] = []
    for (i, c) in plain.enumerated() { if i > 0 && i % 76 == 0 { wrapped += [13, 10] }; wrapped.append(c) }
    vs.append(wrapped)  // MIME lines
    var ws = plain
    for _ in 0..<3 where !ws.isEmpty { ws.insert([32, 9, 10, 13][rng.below(4)], at: rng.below(ws.count + 1)) }
    vs.append(ws)  // whitespace anywhere
    if !plain.isEmpty {
        var bad = plain
        bad[rng.below(bad.count)] = UInt8(truncatingIfNeeded: rng.next())  // any byte anywhere
        vs.append(bad)
        vs.append(plain + [61])  // extra padding
        vs.append(plain + [65])  // data after the end
        vs.append(Array(plain.dropLast()))  // truncated
        var mid = plain
        mid.insert(61, at: rng.below(mid.count))  // '=' inside
        vs.append(mid)
    }
    vs.append(Array("====".utf8))
    vs.append(Array("QQ=\n=".utf8))
    return vs
}

@Suite struct Base64KernelTests {
    /// The kernel's three paths (scalar, SSSE3, AVX2) agree with each other for every byte
    /// value at every position of a block, and with the reference decoder.
    @Test func levelsAgreeOnEveryByteAtEveryPosition() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var input = (0..<96).map { alphabet[($0 * 7 + 3) % 64] }
        for pos in 0..<96 {
            let saved = input[pos]
            for b in 0..<256 {
                input[pos] = UInt8(b)
                var results: [([UInt8], Int)] = []
                for level in 0...2 {
                    var out = [UInt8](repeating: 0, count: 96 / 4 * 3 + 32)
                    var consumed = 0
                    let n = input.withUnsafeBufferPointer { i in
                        out.withUnsafeMutableBufferPointer { o in
                            dcb64_decode_groups_level(Int32(level), i.baseAddress, 96, o.baseAddress, &consumed)
                        }
                    }
                    results.append((Array(out.prefix(n)), consumed))
                }
                #expect(results[0].0 == results[1].0 && results[1].0 == results[2].0)
                #expect(results[0].1 == results[1].1 && results[1].1 == results[2].1)
                let groupOK = alphabet.contains(UInt8(b))
                #expect(results[0].1 == (groupOK ? 96 : pos / 4 * 4))
                if groupOK { #expect(results[0].0 == reference(input)) }
            }
            input[pos] = saved
        }
    }
}

@Suite struct Base64StreamTests {
    /// Exact bytes for known texts, through the one-shot and the incremental decoder.
    @Test func exactBytes() {
        let cases: [(String, [UInt8]?)] = [
            ("", []), ("aGVsbG8=", Array("hello".utf8)), ("aGVsbG8", Array("hello".utf8)),
            ("aGVs\nbG8=", Array("hello".utf8)), ("/+/+", [0xFF, 0xEF, 0xFE]), ("_-_-", [0xFF, 0xEF, 0xFE]),
            ("AAAA", [0, 0, 0]), ("QQ==", [0x41]), ("QUI=", [0x41, 0x42]),
            ("a", nil), ("a$==", nil), ("aGVsbG8=x", nil), ("QQ===", nil), ("Q=Q=", nil), ("\"", nil),
        ]
        for (text, want) in cases {
            let t = Array(text.utf8)
            #expect(Base64.decode(t) == want, "\(text)")
            #expect(reference(t) == want, "\(text)")
            for cut in 0...t.count { #expect(decodeIncrementally(t, cuts: [cut]) == want, "\(text) cut at \(cut)") }
        }
    }

    /// Fuzzing: the incremental decoder, split at every point (and at random sets of points),
    /// equals the one-shot decoder and the reference, on valid and invalid variants.
    @Test func incrementalEqualsOneShotAtEverySplit() {
        var rng = SplitMix(state: 14)
        for n in 0..<70 {
            for v in variants(rng.bytes(n), &rng) {
                let whole = Base64.decode(v)
                #expect(whole == reference(v))
                for cut in 0...v.count {
                    #expect(decodeIncrementally(v, cuts: [cut]) == whole, "n=\(n) cut=\(cut)")
                }
                for _ in 0..<8 {
                    let cuts = (0..<rng.below(6)).map { _ in rng.below(v.count + 1) }.sorted()
                    #expect(decodeIncrementally(v, cuts: cuts) == whole)
                }
            }
        }
    }

    @Test func largeRandomInputsInRandomPieces() {
        var rng = SplitMix(state: 1214)
        for round in 0..<40 {
            let data = rng.bytes(rng.below(40_000))
            for v in variants(data, &rng) {
                let whole = Base64.decode(v)
                #expect(whole == reference(v))
                var cuts: [Int] = []
                var at = 0
                while at < v.count {
                    at += 1 + rng.below(round % 2 == 0 ? 20 : 20_000); cuts.append(Swift.min(at, v.count))
                }
                #expect(decodeIncrementally(v, cuts: cuts) == whole)
            }
        }
    }
}

func replace(_ s: String, _ a: String, _ b: String) -> String {
    s.split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
}

/// A PNG-looking payload of n bytes.
func fakePNG(_ n: Int, seed: UInt64 = 3) -> [UInt8] {
    var rng = SplitMix(state: seed)
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + rng.bytes(Swift.max(n - 8, 0))
}

func imageBody(
    _ png: [UInt8], b64: String? = nil, before: String = "\"type\":\"image\",\"format\":\"png\",\"width\":4,",
    after: String = ",\"height\":5,\"prompt\":\"a \\\"quoted\\\" image_base64\""
) -> [UInt8] {
    Array(("{" + before + "\"image_base64\" : \"" + (b64 ?? TestBase64.encode(png)) + "\"" + after + "}").utf8)
}

final class TempDir {
    let path: String
    init() {
        var t = Array("/tmp/dc1-imgtest-XXXXXX".utf8CString)
        path = t.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    func files() -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
    deinit {
        for f in files() { unlink(path + "/" + f) }
        rmdir(path)
    }
}

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n == 0 { break }
        out += buf.prefix(n)
    }
    return out
}

/// Runs a body through ImageStreamSink in the given pieces; returns the kept body, the sink.
func runSink(_ body: [UInt8], cuts: [Int], path: String, status: Int = 200) -> ([UInt8], ImageStreamSink, Bool) {
    let sink = ImageStreamSink(path: path, jobID: "job-1")
    sink.begin()
    var kept: [UInt8] = []
    var from = 0
    var ok = true
    for cut in cuts + [body.count] where cut >= from && ok {
        let piece = Array(body[from..<cut])
        ok = piece.withUnsafeBytes { sink.feed($0, status: status, body: &kept) }
        from = cut
    }
    return (kept, sink, ok)
}

@Suite struct ImageStreamSinkTests {
    /// Every split point of a small body: the file holds the image, the kept body is the
    /// document with an empty image_base64, and nothing else is left in the folder.
    @Test func decodesAtEverySplitPoint() throws {
        let dir = TempDir()
        let png = fakePNG(300)
        let body = imageBody(png)
        for cut in 0...body.count {
            let path = dir.path + "/x.png"
            let (kept, sink, ok) = runSink(body, cuts: [cut], path: path)
            #expect(ok && sink.streamed)
            let doc = try JSON.parse(kept)
            #expect(
                doc.string("image_base64") == "" && doc.int("height") == 5
                    && doc.string("prompt") == "a \"quoted\" image_base64")
            try sink.finish()
            try sink.commit()
            #expect(readFile(path) == png, "cut \(cut)")
            #expect(dir.files() == ["x.png"])
            unlink(path)
        }
    }

    @Test func randomPiecesAndJSONEscapes() throws {
        let dir = TempDir()
        var rng = SplitMix(state: 77)
        for round in 0..<60 {
            let png = fakePNG(1 + rng.below(200_000), seed: UInt64(round))
            var b64 = TestBase64.encode(png)
            switch round % 4 {
            case 1: b64 = replace(b64, "/", "\\/")  // PHP-style escaping
            case 2:  // \n every 76 and a \u escape
                var s = ""
                for (i, c) in b64.enumerated() { if i > 0 && i % 76 == 0 { s += "\\n" }; s.append(c) }
                b64 = replace(s, "A", "\\u0041")
            case 3: b64 = replace(b64, "=", "\\u003d")
            default: break
            }
            let body = imageBody(png, b64: b64)
            var cuts: [Int] = []
            var at = 0
            while at < body.count {
                at += 1 + rng.below(round % 3 == 0 ? 7 : 40_000); cuts.append(Swift.min(at, body.count))
            }
            let path = dir.path + "/r.png"
            let (kept, sink, ok) = runSink(body, cuts: cuts, path: path)
            #expect(ok && sink.streamed)
            #expect(try JSON.parse(kept).string("image_base64") == "")
            try sink.finish()
            try sink.commit()
            #expect(readFile(path) == png, "round \(round)")
            unlink(path)
        }
    }

    /// What is not a streamable image passes through whole, for the ordinary path.
    @Test func passesThroughOtherBodies() throws {
        let dir = TempDir()
        let png = fakePNG(50)
        let bodies: [(String, Int)] = [
            ("{\"type\":\"text\",\"response\":\"hi\"}", 200),
            ("{\"result\":{\"image_base64\":\"\(TestBase64.encode(png))\"}}", 200),  // nested: not the output's
            ("{\"image_base64\":[],\"type\":\"image\"}", 200),  // not a string
            ("{\"image\\u005fbase64\":\"\(TestBase64.encode(png))\"}", 200),  // escaped key
            ("[\"image_base64\",\"x\"]", 200),
            ("<html>image_base64</html>", 200),
            (String(decoding: imageBody(png), as: UTF8.self), 206),
            ("{\"error\":\"Job not found\"}", 404),
            ("{\"prompt\":\"\\\"image_base64\\\":\\\"QQ==\\\"\"}", 200),
        ]
        for (text, status) in bodies {
            let body = Array(text.utf8)
            for cut in 0...body.count {
                let (kept, sink, ok) = runSink(body, cuts: [cut], path: dir.path + "/p.png", status: status)
                #expect(ok && !sink.streamed, "\(text)")
                #expect(kept == body, "\(text) cut \(cut)")
            }
        }
        #expect(dir.files().isEmpty)
    }

    /// Bad base64, a wrong image, a duplicate key or a truncated body: an error and no file.
    @Test func failuresLeaveNoFile() throws {
        let dir = TempDir()
        let png = fakePNG(3000)
        let script = Array("#!/bin/sh\nrm -rf ~\n".utf8)
        let cases: [[UInt8]] = [
            imageBody(png, b64: String(TestBase64.encode(png).dropLast(3)) + "$"),
            imageBody(script),
            imageBody([]),
            Array(("{\"image_base64\":\"\(TestBase64.encode(png))\",\"image_base64\":\"QQ==\"}").utf8),
            Array(imageBody(png).prefix(2000)),
            imageBody(png, b64: "\\\"" + TestBase64.encode(png)),
        ]
        for (i, body) in cases.enumerated() {
            for cut in [0, 1, 25, body.count / 2, body.count] {
                let (_, sink, ok) = runSink(body, cuts: [cut], path: dir.path + "/f.png")
                var threw = !ok
                if ok {
                    do { try sink.finish(); try sink.commit() } catch {
                        threw = true; #expect(error.code == .protocolError)
                    }
                } else {
                    #expect(sink.failure?.code == .protocolError)
                }
                #expect(threw, "case \(i) cut \(cut)")
                sink.discard()
                #expect(dir.files().isEmpty, "case \(i) cut \(cut)")
            }
        }
    }

    @Test func magicBytes() {
        #expect(ImageMagic.format([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "png")
        #expect(ImageMagic.format([0xFF, 0xD8, 0xFF, 0xE0]) == "jpeg")
        #expect(ImageMagic.format(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == "webp")
        #expect(ImageMagic.format(Array("#!/bin/sh".utf8)) == nil)
        #expect(ImageMagic.format([]) == nil)
    }
}

@Suite struct OutputFieldTypeTests {
    @Test func wrongTypedFieldsAreProtocolErrors() {
        for (body, field) in [
            ("{\"type\":\"image\",\"image_base64\":[]}", "image_base64"),
            ("{\"type\":\"image\",\"image_base64\":{}}", "image_base64"),
            ("{\"type\":\"image\",\"image_base64\":1.5}", "image_base64"),
            ("{\"type\":\"image\",\"image_base64\":\"QQ==\",\"width\":\"4\"}", "width"),
            ("{\"type\":\"image\",\"image_base64\":\"QQ==\",\"format\":7}", "format"),
            ("{\"type\":\"text\",\"response\":\"hi\",\"tokens_generated\":\"9\"}", "tokens_generated"),
            ("{\"type\":\"text\",\"response\":[\"hi\"]}", "response"),
            ("{\"type\":\"text\",\"result\":{}}", "result"),
            ("{\"type\":\"text\",\"response\":\"hi\",\"billing\":\"free\"}", "billing"),
        ] {
            do {
                _ = try OutputShape.normalise(try JSON.parse(body), jobID: "job-1", truncated: false)
                Issue.record("accepted \(body)")
            } catch let e as DC1Error {
                #expect(e.code == .protocolError)
                #expect(e.message.contains("\"\(field)\""), "\(e.message)")
            } catch { Issue.record("\(error)") }
        }
        // null stays allowed (the emulator sends null for fields it does not know).
        #expect(
            (try? OutputShape.normalise(
                try JSON.parse("{\"type\":\"image\",\"image_base64\":\"QQ==\",\"seed\":null,\"width\":null}"),
                jobID: "job-1", truncated: false))?.string("kind") == "image")
    }
}
