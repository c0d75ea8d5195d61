import Testing
@testable import DC1Core

@Suite struct JSONTests {
    @Test func parsesAndReads() throws {
        let j = try JSON.parse("{\"a\":1,\"b\":\"x\",\"c\":[true,null],\"d\":2.5}")
        #expect(j.int("a") == 1)
        #expect(j.string("b") == "x")
        #expect(j["c"]?.count == 2)
        #expect(j["c"]?[0]?.boolValue == true)
        #expect(j.double("d") == 2.5)
        #expect(j.keys == ["a", "b", "c", "d"])
    }

    @Test func rejectsInvalidDocuments() {
        #expect(throws: JSON.ParseError.self) { try JSON.parse("{\"a\":") }
        #expect(throws: JSON.ParseError.self) { try JSON.parse("") }
        #expect(throws: JSON.ParseError.self) { try "{\"a\":1,\"a\":2}".withCString { try JSON.parse(cString: $0) } }
    }

    @Test func dumpsCompactlyAndRoundTrips() throws {
        let o = JSON.object()
        o.set("s", "héllo \"q\"")
        o.set("n", 3)
        o.set("b", true)
        let text = o.dump()
        #expect(text == "{\"s\":\"héllo \\\"q\\\"\",\"n\":3,\"b\":true}")
        let back = try JSON.parse(text)
        #expect(back.string("s") == "héllo \"q\"")
    }

    @Test func largeDocumentsSurviveTheMallocSink() throws {
        let big = String(repeating: "x", count: 1 << 20)
        let o = JSON.object()
        o.set("big", big)
        let back = try JSON.parse(o.dump())
        #expect(back.string("big")?.count == 1 << 20)
    }
}

@Suite struct SupportTests {
    @Test func base64RoundTrip() {
        for n in 0..<20 {
            let data = (0..<n).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64.decode(TestBase64.encode(data).utf8) == data)
        }
        #expect(Base64.decode("aGVsbG8=".utf8) == Array("hello".utf8))
        #expect(Base64.decode("a$==".utf8) == nil)
    }

    @Test func timestampsInBothServerForms() {
        #expect(Timestamp.parse("2026-11-29T05:00:00.000Z") == 1795928400)
        #expect(Timestamp.parse("2026-11-29 05:30:00.500") == 1795930200.5)
        #expect(Timestamp.parse("2026-11-29 05:30:00") == 1795930200)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test func httpDates() {
        #expect(HTTPDate.parse("Sun, 29 Nov 2026 05:00:00 GMT") == 1795928400)
    }

    @Test func sarFormatting() {
        #expect(Money.sarString(9) == "0.09")
        #expect(Money.sarString(12345) == "123.45")
        #expect(Money.sarString(-50) == "-0.50")
    }
}

@Suite struct AllocatorTests {
    @Test func janssonAllocatesWithMallocByDefault() {
        // When true, results are produced by json_dumps and freed with free() by dc1_free.
        #expect(JSON.janssonUsesMalloc)
    }

    @Test func base64RejectsGarbageAndHandlesWhitespace() {
        #expect(Base64.decode("aGVs\nbG8=".utf8) == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8=x".utf8) == nil)
        #expect(Base64.decode("a".utf8) == nil)
        let big = (0..<100_000).map { UInt8($0 & 0xFF) }
        #expect(Base64.decode(TestBase64.encode(big).utf8) == big)
    }
}
