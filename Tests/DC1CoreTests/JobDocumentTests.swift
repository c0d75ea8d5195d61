import Testing
@testable import DC1Core

/// What libdc1 adds to every job document, once for every language.
@Suite struct JobDocumentTests {
    @Test func openAIBaseURLIsTheEndpointUnderV1() {
        let cases: [(String, String)] = [
            ("http://203.0.113.5:8000/v1", "http://203.0.113.5:8000/v1"),
            ("http://203.0.113.5:8000/v1/", "http://203.0.113.5:8000/v1"),
            ("http://203.0.113.5:8000", "http://203.0.113.5:8000/v1"),
            ("https://gpu.example/serve//", "https://gpu.example/serve/v1"),
        ]
        for (endpoint, want) in cases {
            #expect(JobDocuments.openAIBaseURL(endpoint) == want, "\(endpoint)")
            let row = JSON.object()
            row.set("status", "running")
            row.set("endpoint_url", endpoint)
            #expect(JobDocuments.normaliseJob(row).string("openai_base_url") == want)
        }
        let none = JSON.object()
        none.set("status", "running")
        none.set("endpoint_url", "")
        #expect(!JobDocuments.normaliseJob(none).has("openai_base_url"))
    }

    @Test func terminalAndExecutionTime() {
        let row = JSON.object()
        row.set("status", "completed")
        row.set("started_at", "2026-11-29T05:00:02.000Z")
        row.set("completed_at", "2026-11-29T05:00:12.500Z")
        let j = JobDocuments.normaliseJob(row)
        #expect(j.bool("terminal") == true)
        #expect(j.string("outcome") == "succeeded")
        for (status, outcome) in [
            ("done", "succeeded"), ("failed", "failed"), ("timed_out", "failed"),
            ("permanently_failed", "failed"), ("cancelled", "cancelled"),
        ] {
            #expect(JobStatus.outcome(status) == outcome, "\(status)")
        }
        let running = JSON.object()
        running.set("status", "running")
        #expect(JobDocuments.normaliseJob(running)["outcome"]?.isNull == true)
        #expect(j.double("execution_time_sec") == 10.5)
    }
}
