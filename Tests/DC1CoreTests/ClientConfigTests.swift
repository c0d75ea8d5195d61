import Testing
@testable import DC1Core

/// dc1_client_config's document: where the key and the base URL came from, never the key.
/// (The environment's part is tested from C, Python and Node, which own their process's
/// environment; tests here run in parallel and leave it alone.)
@Suite struct ClientConfigTests {
    static let key = "dcp-renter-0123456789abcdef0123456789abcdef"

    @Test func optionsAreNamedAsTheirSource() throws {
        let o = try ClientOptions.from(
            json: try JSON.parse(
                "{\"api_key\":\"\(Self.key)\",\"base_url\":\"https://example.test/api//\",\"timeout_ms\":1234,\"check\":\"strict\"}"
            ))
        let d = o.document()
        #expect(d.string("base_url") == "https://example.test/api")
        #expect(d.string("base_url_from") == "option")
        #expect(d.bool("api_key_set") == true)
        #expect(d.string("api_key_from") == "option")
        #expect(d.int("timeout_ms") == 1234)
        #expect(d.string("check") == "strict")
        #expect(!d.dump().contains("0123456789abcdef"))
    }

    @Test func emptyKeyIsNoKeyAndNullKeyToo() throws {
        for text in ["{\"api_key\":\"\"}", "{\"api_key\":null}"] {
            let d = try ClientOptions.from(json: try JSON.parse(text)).document()
            #expect(d.bool("api_key_set") == false, "\(text)")
            #expect(d["api_key_from"]?.isNull == true, "\(text)")
        }
    }

    @Test func defaultsAreTheBuiltInOnes() {
        let d = ClientOptions().document()
        #expect(d.string("base_url") == "https://api.dcp.sa")
        #expect(d.string("base_url_from") == "default")
        #expect(d.int("max_retries") == 3)
        #expect(d.int("pool_size") == 8)
        #expect(d.string("check") == "off")
        #expect(d["user_agent"]?.isNull == true)
    }

    @Test func proxyCredentialsAreHidden() {
        let cases: [(String, String)] = [
            ("http://user:pa55@proxy.test:3128", "http://[redacted]@proxy.test:3128"),
            ("socks5h://u@10.0.0.1:1080/x@y", "socks5h://[redacted]@10.0.0.1:1080/x@y"),
            ("proxy.test:3128", "proxy.test:3128"),
            ("a:b@proxy.test", "[redacted]@proxy.test"),
            ("http://proxy.test/p@q", "http://proxy.test/p@q"),
        ]
        for (raw, want) in cases {
            #expect(ClientOptions.withoutCredentials(raw) == want, "\(raw)")
        }
    }
}
