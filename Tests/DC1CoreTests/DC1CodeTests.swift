import Foundation
import Testing
@testable import DC1Core

/// The code table is written once, in include/dc1.h: DC1Code must match it name for name.
@Suite struct DC1CodeTests {
    static func headerCodes() throws -> [String: Int32] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let header = try String(contentsOf: root.appendingPathComponent("include/dc1.h"), encoding: .utf8)
        var codes: [String: Int32] = [:]
        for line in header.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 3, parts[0] == "#define", parts[1].hasPrefix("DC1_"),
                parts[1] == "DC1_OK" || parts[1].hasPrefix("DC1_E_"), let v = Int32(parts[2])
            else { continue }
            codes[String(parts[1])] = v
        }
        return codes
    }

    @Test func everyHeaderCodeIsKnownWithItsValue() throws {
        let codes = try Self.headerCodes()
        #expect(codes.count >= 22)
        for (name, value) in codes {
            let code = DC1Code(rawValue: value)
            #expect(code?.name == name, "\(name) = \(value)")
        }
        #expect(DC1Code.allCases.count == codes.count)
        for c in DC1Code.allCases { #expect(codes[c.name] == c.rawValue) }
    }

    @Test func unknownValuesAreNotCodes() {
        #expect(DC1Code(rawValue: -12345) == nil)
        #expect(DC1Code.waitTimeout.rawValue == -21)
    }

    @Test func theVersionIsTheHeaders() {
        #expect(libraryVersion.split(separator: ".").count == 3)
    }
}
