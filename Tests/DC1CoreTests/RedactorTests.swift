import Testing
@testable import DC1Core

/// Issue 12: the redactor's spellings, loopback by address, and parse errors past 2 GiB.
@Suite struct RedactorTests {
    static let key = "dcp-renter-5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2"
    let r = Redactor(key: SecretKey(RedactorTests.key)!)

    @Test func redactsEverySpelling() {
        let k = RedactorTests.key
        func hex4(_ v: UInt8) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: 4 - h.count) + h
        }
        let escaped: String = k.utf8.map { (b: UInt8) -> String in "\\u" + hex4(b) }.joined()
        let percent: String = k.utf8.map { (b: UInt8) -> String in "%" + String(b, radix: 16, uppercase: true) }
            .joined()
        let twice: String = k.utf8.map { (b: UInt8) -> String in "%25" + String(b, radix: 16) }.joined()
        let entities: String = k.utf8.map { (b: UInt8) -> String in "&#" + String(b) + ";" }.joined()
        let dash: String = k.map { $0 == "-" ? "%2d" : String($0) }.joined()
        let first: String = "\\u0064" + String(k.dropFirst())
        let firstTwice: String = "\\\\u0064" + String(k.dropFirst())
        let cut: String = "cut: " + String(k.prefix(14))
        let quoted: String = "{\"a\":\"" + String(k.prefix(20)) + "\"}"
        var cases: [(String, String)] = []
        cases.append(("bad key " + k + "!", "bad key [redacted]!"))
        cases.append((first, "[redacted]"))
        cases.append((escaped, "[redacted]"))
        cases.append((firstTwice, "[redacted]"))
        cases.append((percent, "[redacted]"))
        cases.append((dash, "[redacted]"))
        cases.append((twice, "[redacted]"))
        cases.append((entities + " x", "[redacted] x"))
        cases.append((k + k, "[redacted][redacted]"))
        cases.append((cut, "cut: [redacted]"))
        cases.append((quoted, "{\"a\":\"[redacted]\"}"))
        cases.append(("nothing here: dcp-renter- keys", "nothing here: dcp-renter- keys"))
        for (text, want) in cases {
            #expect(r.redact(text) == want, "\(text)")
        }
        #expect(Redactor(key: nil).redact("x \(k)") == "x \(k)")
    }

    @Test func redactsErrorDocuments() throws {
        var e = DC1Error(.validation, "HTTP 400: bad key \(RedactorTests.key)")
        e.setDetail(
            "body",
            try JSON.parse(
                "{\"error\":\"\\u0064cp-renter-5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2\",\"n\":[\"\(RedactorTests.key)\"]}"))
        e.requestID = RedactorTests.key
        let d = e.redacted(by: r)
        #expect(d.message == "HTTP 400: bad key [redacted]")
        #expect(d.detail("body")?.dump() == "{\"error\":\"[redacted]\",\"n\":[\"[redacted]\"]}")
        #expect(!d.document().dump().contains("5ec7e7a9"))
        #expect(d.document().dump().contains("[redacted]"))
    }

    @Test func loopbackByAddress() throws {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "[::1]", "[0:0:0:0:0:0:0:1]", "[::0:1]"] {
            #expect(try BaseURL.parse("http://\(host):80/").isLoopback, "\(host)")
        }
        for host in [
            "127.0.0.1.example.com", "127.evil", "localhost.example.com", "0x7f000001", "2130706433",
            "127.0.0.01", "127.0.0.256", "[::ffff:127.0.0.1]", "[::2]", "[1::1]", "[::1::1]",
        ] {
            #expect(!(try BaseURL.parse("http://\(host)/").isLoopback), "\(host)")
        }
    }

    @Test func parseErrorPastTwoGiBReportsTheSize() {
        let big = JSON.parseErrorText(
            "end of file expected", line: 1, column: -2147483648, position: -2147483648,
            size: 3 << 30)
        #expect(big.contains("3221225472 bytes"))
        #expect(!big.contains("-2147483648"))
        #expect(JSON.parseErrorText("x", line: 1, column: -5, position: 10, size: 100) == "x (100 bytes)")
        #expect(JSON.parseErrorText("x", line: 2, column: 3, position: 10, size: 100) == "x at line 2, column 3")
    }
}
