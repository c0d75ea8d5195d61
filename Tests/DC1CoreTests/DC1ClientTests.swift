import Foundation
import Testing
import DC1
import DC1Core

/// The Swift API against the emulator: the guide's flows end to end.
@Suite(.serialized) struct DC1ClientTests {
    let emu: EmulatorProcess
    let client: DC1Client

    init() throws {
        emu = try EmulatorProcess()
        client = try DC1Client(apiKey: emu.apiKey, baseURL: emu.baseURL)
    }

    @Test func balanceAndProviders() throws {
        let b = try client.balance()
        #expect(b.balanceHalala > 0)
        let live = try client.providers(liveOnly: true)
        #expect(!live.isEmpty)
        #expect(live.allSatisfy { $0.isLive })
        let big = try client.providers(minVRAMGB: 40)
        #expect(big.allSatisfy { ($0.vramGB ?? 0) >= 40 })
    }

    @Test func llmJobEndToEnd() throws {
        let job = try client.submit(JobRequest(jobType: "llm_inference", durationMinutes: 5,
                                               params: [("prompt", .string("Hello from Swift")), ("max_tokens", .int(64))],
                                               priority: 2))
        #expect(job.jobID.hasPrefix("job-"))
        let done = try client.wait(job.jobID, timeoutSeconds: 60, pollIntervalSeconds: 0.1)
        #expect(done.status == "completed")
        #expect(done.isTerminal)
        let out = try client.output(job.jobID)
        #expect(out.kind == .text)
        #expect(!(out.text ?? "").isEmpty)
        let lines = try client.logs(job.jobID)
        #expect(!lines.isEmpty)
        #expect(try client.history(limit: 5).contains { $0.jobID == job.jobID })
    }

    @Test func imageBytesDecode() throws {
        let job = try client.submit(JobRequest(jobType: "image_generation", durationMinutes: 5,
                                               params: [("prompt", .string("dunes")), ("width", .int(256)), ("height", .int(256))]))
        _ = try client.wait(job.jobID, timeoutSeconds: 60, pollIntervalSeconds: 0.1)
        let out = try client.output(job.jobID)
        #expect(out.kind == .image)
        #expect(Array(out.imageData?.prefix(4) ?? []) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test func errorsCarryCodes() throws {
        do {
            _ = try client.job("job-0-missing")
            Issue.record("expected not found")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.httpStatus == 404)
            #expect(error.requestID != nil)
        }
        let bad = try DC1Client(apiKey: "dcp-renter-00000000000000000000000000000000", baseURL: emu.baseURL)
        #expect(throws: DC1Error.self) { try bad.balance() }
    }

    @Test func interruptEndsAWait() throws {
        let job = try client.submit(JobRequest(jobType: "llm_inference", durationMinutes: 5, params: [("prompt", .string("SLOW"))]))
        let c = client
        Thread.detachNewThread { Thread.sleep(forTimeInterval: 0.3); c.interrupt() }
        let start = Date()
        do {
            _ = try client.wait(job.jobID, timeoutSeconds: 30)
            Issue.record("expected interruption")
        } catch {
            #expect(error.code == .interrupted)
        }
        #expect(Date().timeIntervalSince(start) < 3)
        _ = try client.cancel(job.jobID)
    }
}
