import Testing
@testable import DC1Core

@Suite struct CatalogueTests {
    let client = Session(
        options: try! ClientOptions.from(
            json: try! JSON.parse(
                "{\"base_url\":\"http://127.0.0.1:9\",\"api_key\":\"dcp-renter-test\",\"max_retries\":0}")))

    /// A job-type quote (queued globally): computed locally, so the closed port is never asked.
    func quote(_ json: String) throws -> JSON {
        let r = try JSON.parse(json)
        r.set("placement", "global_queue")
        return try client.catalogue.quote(r)
    }

    @Test func jobTypeQuotesMatchTheContractsExamples() throws {
        // §6.1: llm_inference 10 min standard = 90; no request (the port is closed).
        #expect(try quote("{\"job_type\":\"llm_inference\",\"duration_minutes\":10}").int("cost_halala") == 90)
        #expect(try quote("{\"job_type\":\"llm_inference\",\"duration_minutes\":5}").int("cost_halala") == 45)
        #expect(try quote("{\"job_type\":\"benchmark\",\"duration_minutes\":1}").int("cost_halala") == 6)
        #expect(
            try quote("{\"job_type\":\"rag-pipeline\",\"duration_minutes\":2,\"pricing_class\":\"Priority\"}")
                .int("cost_halala") == 36)
        let q = try quote("{\"job_type\":\"training\",\"duration_minutes\":0.5,\"pricing_class\":\"economy\"}")
        #expect(q.int("cost_halala") == 4)  // ceil(7 × 0.5 × 0.9 = 3.15)
        #expect(q.double("cost_sar") == 0.04)
    }

    @Test func badQuotesAreValidationErrors() {
        for bad in [
            "{\"job_type\":\"mining\",\"duration_minutes\":1}", "{\"job_type\":\"llm_inference\"}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":2000}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":1,\"pricing_class\":\"vip\"}",
        ] {
            #expect(throws: DC1Error.self) { try quote(bad) }
        }
    }

    @Test func modelAndTemplateIDsCannotChangeTheRoute() throws {
        #expect(try CatalogueIDs.model("TinyLlama/TinyLlama-1.1B-Chat-v1.0") == "TinyLlama/TinyLlama-1.1B-Chat-v1.0")
        for id in ["", "a//b", "../x", "a/./b", "a?b", "a b", "/a", "a/"] {
            #expect(throws: DC1Error.self) { try CatalogueIDs.model(id) }
        }
        #expect(try CatalogueIDs.template("llama3-8b") == "llama3-8b")
        for id in ["", "..", "a/b", "a?b"] { #expect(throws: DC1Error.self) { try CatalogueIDs.template(id) } }
    }

    @Test func theImageCheckWaitsForTheRegistry() throws {
        let body = try JSON.parse("{\"job_type\":\"custom_container\",\"params\":{\"image_override\":\"evil/x:1\"}}")
        try client.catalogue.checkApprovedImages(body)  // nothing fetched yet: no check
        client.catalogueCache.setApproved([CatalogueCache.key(" DC1/General-Worker:latest ")])
        #expect(throws: DC1Error.self) { try client.catalogue.checkApprovedImages(body) }
        let ok = try JSON.parse(
            "{\"job_type\":\"custom_container\",\"params\":{\"image_override\":\"dc1/general-worker:LATEST\"}}")
        try client.catalogue.checkApprovedImages(ok)
        let spec = try JSON.parse(
            "{\"job_type\":\"training\",\"container_spec\":{\"image_type\":\"x\",\"image\":\"evil/y\"}}")
        #expect(throws: DC1Error.self) { try client.catalogue.checkApprovedImages(spec) }
    }
}
