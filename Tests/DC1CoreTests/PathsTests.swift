import Testing
@testable import DC1Core

@Suite struct PathsTests {
    @Test func acceptsRealJobIDs() throws {
        for id in ["job-1795928397000-k3x9qa", "412", "chatcmpl-7f3a", "proxy-dc1-ab12"] {
            #expect(try Paths.jobID(id) == id)
        }
    }

    @Test func rejectsIDsThatChangeTheRoute() {
        for id in [
            "", ".", "..", "../x", "a/b", "a?b", "a#b", "a%2Fb", "a\r\nb", "a b", String(repeating: "a", count: 300),
        ] {
            #expect(throws: DC1Error.self) { try Paths.jobID(id) }
        }
    }

    @Test func routesMustBePaths() {
        #expect(throws: DC1Error.self) { try Paths.route("http://x/y") }
        #expect(throws: DC1Error.self) { try Paths.route("//x/y") }
        #expect(throws: DC1Error.self) { try Paths.route("api") }
        #expect(throws: DC1Error.self) { try Paths.route("/a\nb") }
        #expect((try? Paths.route("/api/jobs?limit=5")) == "/api/jobs?limit=5")
    }

    @Test func baseURLPolicy() throws {
        #expect(throws: DC1Error.self) {
            try ClientOptions.from(json: try JSON.parse("{\"base_url\":\"http://api.dcp.sa\"}"))
        }
        _ = try ClientOptions.from(json: try JSON.parse("{\"base_url\":\"http://127.0.0.1:8083/\"}"))
        _ = try ClientOptions.from(json: try JSON.parse("{\"base_url\":\"http://localhost:1\"}"))
        let o = try ClientOptions.from(json: try JSON.parse("{\"base_url\":\"https://api.dcp.sa///\"}"))
        #expect(o.baseURL == "https://api.dcp.sa")
    }
}
