import Testing
@testable import DC1Core

/// Issue 12: the redactor's spellings, loopback by address, and parse errors past 2 GiB.
@Suite struct RedactorTests {
    static let key = "dcp-renter-5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2"
    let r = Redactor(key: SecretKey(RedactorTests.key)!)

    @Test func redactsEverySpelling() {
        let k = RedactorTests.key
        let escaped = k.unicodeScalars.map { "\\u" + String(repeating: "0", count: 4 - String($0.value, radix: 16).count) + String($0.value, radix: 16) }.joined()
        let percent = k.utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
        let twice = k.utf8.map { "%25" + String($0, radix: 16) }.joined()
        let entities = k.utf8.map { "&#\($0);" }.joined()
        for (text, want) in [
            ("bad key \(k)!", "bad key [redacted]!"),
            ("\\u0064" + k.dropFirst(), "[redacted]"),
            (escaped, "[redacted]"),
            ("\\\\u0064" + k.dropFirst(), "[redacted]"),
            (percent, "[redacted]"),
            (k.map { $0 == "-" ? "%2d" : String($0) }.joined(), "[redacted]"),
            (twice, "[redacted]"),
            (entities + " x", "[redacted] x"),
            ("\(k)\(k)", "[redacted][redacted]"),
            ("cut: " + k.prefix(14), "cut: [redacted]"),
            ("{\"a\":\"" + k.prefix(20) + "\"}", "{\"a\":\"[redacted]\"}"),
            ("nothing here dcp-renter-", "nothing here dcp-renter-"),
        ] {
            #expect(r.redact(text) == want, "\(text)")
        }
        #expect(Redactor(key: nil).redact("x \(k)") == "x \(k)")
    }

    @Test func redactsErrorDocuments() throws {
        var e = DC1Error(.validation, "HTTP 400: bad key \(RedactorTests.key)")
        e.setDetail("body", try JSON.parse("{\"error\":\"\\u0064cp-renter-5ec7e7a9b1c2d3e4f5a6b7c8d9e0f1a2\",\"n\":[\"\(RedactorTests.key)\"]}"))
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
        for host in ["127.0.0.1.example.com", "127.evil", "localhost.example.com", "0x7f000001", "2130706433",
                     "127.0.0.01", "127.0.0.256", "[::ffff:127.0.0.1]", "[::2]", "[1::1]", "[::1::1]"] {
            #expect(!(try BaseURL.parse("http://\(host)/").isLoopback), "\(host)")
        }
    }

    @Test func parseErrorPastTwoGiBReportsTheSize() {
        let big = JSON.parseErrorText("end of file expected", line: 1, column: -2147483648, position: -2147483648,
                                      size: 3 << 30)
        #expect(big.contains("3221225472 bytes"))
        #expect(!big.contains("-2147483648"))
        #expect(JSON.parseErrorText("x", line: 1, column: -5, position: 10, size: 100) == "x (100 bytes)")
        #expect(JSON.parseErrorText("x", line: 2, column: 3, position: 10, size: 100) == "x at line 2, column 3")
    }
}
