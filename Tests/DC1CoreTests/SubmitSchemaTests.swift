import Testing
@testable import DC1Core

@Suite struct SubmitSchemaTests {
    func normalise(_ s: String) throws -> JSON { try SubmitSchema.normalise(try JSON.parse(s)) }

    @Test func priorityBecomesAString() throws {
        let b = try normalise(
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"priority\":2,\"params\":{\"prompt\":\"hi\"}}")
        #expect(b["priority"]?.stringValue == "2")
        #expect(b["duration_minutes"]?.intValue == 5)
    }

    @Test func numericStringsBecomeNumbers() throws {
        let b = try normalise("{\"job_type\":\"llm_inference\",\"duration_minutes\":\"10\",\"provider_id\":\"7\"}")
        #expect(b["duration_minutes"]?.isInteger == true)
        #expect(b["provider_id"]?.intValue == 7)
        #expect(b["params"]?.isObject == true)
    }

    @Test func unknownKeysAreNamed() {
        do {
            _ = try normalise("{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"prompt\":\"x\"}")
            Issue.record("expected a validation error")
        } catch let e as DC1Error {
            #expect(e.code == .validation)
            #expect(e.detail("fields")?[0]?.string("field") == "(root)")
            #expect(e.message.contains("prompt"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func nonScalarParamsFailLocally() {
        do {
            _ = try normalise("{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"messages\":[1]}}")
            Issue.record("expected a validation error")
        } catch let e as DC1Error {
            #expect(e.detail("fields")?[0]?.string("field") == "params.messages")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func boundsAndRequiredFields() {
        for bad in [
            "{\"job_type\":\"llm_inference\"}",
            "{\"duration_minutes\":5}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":0}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":2000}",
            "{\"job_type\":\"mining\",\"duration_minutes\":5}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"priority\":11}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"provider_id\":-1}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"model\":\"bad model!\"}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"container_spec\":{}}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"gpu_requirements\":{\"gpu_type\":\"TPU\"}}",
            "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"provider_id\":1,\"prewarm_requested\":true}",
        ] {
            #expect(throws: DC1Error.self, "\(bad)") { try normalise(bad) }
        }
    }

    @Test func sanitiserWarnings() throws {
        let b = try normalise(
            "{\"job_type\":\"custom_container\",\"duration_minutes\":5,\"params\":{\"script\":\"if a < b and c > d: pass\\n\"}}"
        )
        let w = SubmitSchema.sanitiserWarnings(b)
        #expect(w.count == 2)
        #expect(w[0].contains("params.script"))
    }
}

@Suite struct OutputShapeTests {
    @Test func textOutput() throws {
        let d = try JSON.parse(
            "{\"type\":\"text\",\"response\":\"Riyadh\",\"tokens_generated\":2,\"billing\":{\"actual_cost_halala\":9,\"actual_cost_sar\":\"0.09\"}}"
        )
        let o = try OutputShape.normalise(d, jobID: "job-1", truncated: false)
        #expect(o.string("kind") == "text")
        #expect(o.string("output") == "Riyadh")
        #expect(o.int("actual_cost_halala") == 9)
    }

    @Test func customContainerResult() throws {
        let d = try JSON.parse("{\"type\":\"text\",\"result\":\"GPU ok\\nDC1_RESULT_JSON:{\\\"x\\\":1}\\n\"}")
        let o = try OutputShape.normalise(d, jobID: "job-1", truncated: false)
        #expect(o.string("kind") == "json")
        #expect(o["result_json"]?.int("x") == 1)
        #expect(o.string("text") == "GPU ok")
    }

    @Test func rawAndVLLMResults() throws {
        let raw = try OutputShape.normalise(
            try JSON.parse("{\"type\":\"text\",\"result\":\"hello\"}"), jobID: "j", truncated: false)
        #expect(raw.string("kind") == "raw")
        #expect(raw.string("output") == "hello")
        let v = try OutputShape.normalise(
            try JSON.parse("{\"type\":\"text\",\"result\":\"{\\\"endpoint_url\\\":\\\"http://h:8000/v1\\\"}\"}"),
            jobID: "j", truncated: false)
        #expect(v.string("endpoint_url") == "http://h:8000/v1")
    }

    @Test func imageOutput() throws {
        let d = try JSON.parse(
            "{\"type\":\"image\",\"format\":\"png\",\"width\":2,\"height\":2,\"image_base64\":\"aGk=\"}")
        let o = try OutputShape.normalise(d, jobID: "j", truncated: false)
        #expect(o.string("kind") == "image")
        #expect(o.int("width") == 2)
    }
}

@Suite struct ErrorMappingTests {
    func resp(_ status: Int, _ body: String, headers: [(String, String)] = [("content-type", "application/json")])
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8), requestID: "rid-1")
    }
    let req = HTTPRequest(method: "GET", path: "/api/jobs/x?key=secret")

    @Test func statusesMapToCodes() {
        #expect(ErrorMapping.error(for: resp(401, "{\"error\":\"no\"}"), req).code == .auth)
        #expect(ErrorMapping.error(for: resp(403, "{\"error\":\"Forbidden\"}"), req).code == .auth)
        #expect(
            ErrorMapping.error(for: resp(402, "{\"error\":\"Insufficient balance\"}"), req).code == .insufficientBalance
        )
        #expect(
            ErrorMapping.error(for: resp(404, "<html>Cannot GET</html>", headers: [("content-type", "text/html")]), req)
                .code == .notFound)
        #expect(
            ErrorMapping.error(for: resp(429, "{\"error\":\"Daily job submission quota exceeded\"}"), req).code
                == .quotaExceeded)
        #expect(ErrorMapping.error(for: resp(503, "{}"), req).code == .server)
        #expect(ErrorMapping.error(for: resp(409, "{}"), req).code == .http)
        #expect(
            ErrorMapping.error(for: resp(302, "", headers: [("location", "https://evil.example/x")]), req).code
                == .protocolError)
    }

    @Test func rateLimitRetryAfter() {
        let e = ErrorMapping.error(
            for: resp(429, "{\"error\":\"Rate limit exceeded\"}", headers: [("retry-after", "7")]), req)
        #expect(e.code == .rateLimited)
        #expect(e.retryAfterMs == 7000)
        let b = ErrorMapping.error(for: resp(429, "{\"error\":\"Rate limit exceeded\",\"retryAfterMs\":1500}"), req)
        #expect(b.retryAfterMs == 1500)
    }

    @Test func validationFieldsAndNoQueryInMessages() {
        let e = ErrorMapping.error(
            for: resp(400, "{\"error\":\"Validation failed\",\"fields\":[{\"field\":\"priority\",\"message\":\"x\"}]}"),
            req)
        #expect(e.code == .validation)
        #expect(e.detail("fields")?.count == 1)
        #expect(!e.message.contains("secret"))
        #expect(e.requestID == "rid-1")
    }
}
