import Foundation
import Testing
import DC1

/// One test per section of include/dc1.h, doing with the Swift API what the C tests do.
extension DC1APITests {
    @Suite struct ParityTests {
        let emu: Emulator
        let client: DC1Client

        init() throws {
            emu = try Emulator()
            client = try emu.client()
        }

        // Version
        @Test func version() {
            #expect(DC1Client.libraryVersion.split(separator: ".").count == 3)
        }

        // Client: the settings the core settled on, never the key
        @Test func configuration() throws {
            let c = client.configuration
            #expect(c.string("base_url") == emu.baseURL)
            #expect(c.string("base_url_from") == "option")
            #expect(c.bool("api_key_set") == true)
            #expect(c.string("api_key_from") == "option")
            let empty = try DC1Client(apiKey: "", baseURL: "https://example.test")
            #expect(empty.configuration.bool("api_key_set") == false)
            #expect(empty.configuration.string("base_url_from") == "option")
        }

        // Errors
        @Test func errorsCarryTheErrorDocument() async throws {
            do {
                _ = try await client.job("job-0-missing")
                Issue.record("expected not found")
            } catch {
                #expect(error.code == .notFound)
                #expect(error.httpStatus == 404)
                #expect(error.requestID != nil)
                #expect(error.code.name == "DC1_E_NOT_FOUND")
                #expect(error.body != nil)
            }
            do {
                _ = try await client.submit(
                    JobRequest(jobType: .llmInference, durationMinutes: 99_999, params: ["prompt": "x"]))
                Issue.record("expected a validation error")
            } catch {
                #expect(error.code == .validation)
                #expect(error.fields.map(\.field) == ["duration_minutes"])
            }
            let bad = try DC1Client(apiKey: "dcp-renter-00000000000000000000000000000000", baseURL: emu.baseURL)
            await #expect(throws: DC1Error.self) { try await bad.balance() }
            do { _ = try await bad.balance() } catch { #expect(error.code == .auth) }
        }

        // Memory: the Swift API hands out value types; they are Sendable and Codable.
        @Test func valuesAreCodable() async throws {
            let b = try await client.balance()
            let data = try JSONEncoder().encode(b)
            #expect(try JSONDecoder().decode(Balance.self, from: data) == b)
            let job = try await client.submit(
                JobRequest(jobType: .llmInference, durationMinutes: 1, params: ["prompt": "Hi"]))
            let again = try JSONDecoder().decode(Job.self, from: try JSONEncoder().encode(job))
            #expect(again == job)
        }

        // Client
        @Test func clientOptions() async throws {
            #expect(throws: DC1Error.self) { _ = try DC1Client(apiKey: "k", baseURL: "ftp://nowhere") }
            let noKey = try DC1Client(apiKey: "", baseURL: emu.baseURL)
            do { _ = try await noKey.balance(); Issue.record("expected auth") } catch { #expect(error.code == .auth) }
            // interrupt() ends every call running on the client.
            let job = try await client.submit(
                JobRequest(jobType: .llmInference, durationMinutes: 1, params: ["prompt": "SLOW"]))
            let c = client
            let waiter = Task { () async throws(DC1Error) -> Job in try await c.wait(job.jobID, timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(300))
            client.interrupt()
            let r = await waiter.result
            #expect((try? r.get()) == nil)
            if case .failure(let e) = r { #expect((e as? DC1Error)?.code == .interrupted) }
            try await client.cancel(job.jobID)
        }

        // Account
        @Test func account() async throws {
            let b = try await client.balance()
            #expect(b.balance.halala > 0)
            #expect(
                b.balance.formatted == "\(b.balance.halala / 100).\(String(format: "%02d", b.balance.halala % 100))")
            let me = try await client.me()
            #expect(me.renterID > 0)
            #expect(me.balance == b.balance)
        }

        // Providers
        @Test func providers() async throws {
            let all = try await client.providers()
            #expect(!all.isEmpty)
            let live = try await client.providers(.live)
            #expect(!live.isEmpty && live.allSatisfy { $0.isLive })
            let big = try await client.providers(minVRAMGB: 40)
            #expect(big.allSatisfy { ($0.vramGB ?? 0) >= 40 })
        }

        // Jobs: the guide's quickstart, and every job call.
        @Test func jobs() async throws {
            let job = try await client.submit(
                JobRequest(
                    jobType: .llmInference, durationMinutes: 1,
                    params: ["prompt": "Hello", "max_tokens": 64], priority: 2))
            #expect(job.jobID.hasPrefix("job-"))
            #expect(job.jobType == .llmInference)
            let s = try await client.status(job.jobID)
            #expect(s.jobID == job.jobID)
            let done = try await client.wait(job.jobID, timeout: .seconds(60))
            #expect(done.status == .completed && done.isTerminal)
            #expect(try await client.job(job.jobID).status == .completed)
            let out = try await client.output(job.jobID)
            #expect(out.kind == .text)
            #expect(!(out.text ?? "").isEmpty)
            let page = try await client.logs(job.jobID)
            #expect(!page.lines.isEmpty)
            #expect(try await client.history(limit: 5).contains { $0.jobID == job.jobID })
            do { try await client.cancel(job.jobID); Issue.record("cancelling a completed job") } catch {
                #expect(error.code == .validation)
            }
        }

        // One provider by id; a job with its output, read once.
        @Test func providerAndJobWithOutput() async throws {
            let first = try #require(try await client.providers().first)
            #expect(try await client.provider(first.id).id == first.id)
            do {
                _ = try await client.provider(99_999_999)
                Issue.record("expected not found")
            } catch {
                #expect(error.code == .notFound)
            }
            let job = try await client.submit(
                JobRequest(jobType: .llmInference, durationMinutes: 1, params: ["prompt": "with output"]))
            _ = try await client.wait(job.jobID, timeout: .seconds(60))
            let r = try await client.jobWithOutput(job.jobID)
            #expect(r.job.status == .completed && r.output != nil && r.outputError == nil)
        }

        // A quote says what submit holds; advice names the Swift API's own parameters.
        @Test func quoteAndAdvice() async throws {
            let q = try client.quote("llm_inference", minutes: 3)
            #expect(q.basis == "auto" && q.minCostHalala != nil && q.globalQueueCostHalala == 27)
            let g = try client.quote("llm_inference", minutes: 3, globalQueue: true)
            #expect(g.basis == "job_type" && g.costHalala == 27)
            let noKey = try DC1Client(apiKey: "", baseURL: emu.baseURL)
            do {
                _ = try await noKey.balance()
                Issue.record("expected an auth error")
            } catch {
                #expect(error.code == .auth)
                #expect(error.message.contains("apiKey:") && !error.message.contains("api_key option"))
            }
        }

        // Checks before paying: off by default; "warn" sends and reports; "strict" refuses.
        @Test func submitChecks() async throws {
            var r = JobRequest(
                jobType: .llmInference, durationMinutes: 1, params: ["prompt": "hi", "max_tokens": "abc"],
                model: "meta-llama/Llama-3-8B-typo")
            let unchecked = try await client.submit(r)
            #expect(unchecked.checkWarnings == nil)
            r.check = "warn"
            let warned = try await client.submit(r)
            #expect(Set(warned.checkWarnings?.map(\.field) ?? []) == ["model", "params.max_tokens"])
            r.check = "strict"
            do {
                _ = try await client.submit(r)
                Issue.record("expected a validation error")
            } catch {
                #expect(error.code == .validation)
                #expect(Set(error.fields.map(\.field)) == ["model", "params.max_tokens"])
            }
        }

        @Test func waitTimeoutCarriesTheJob() async throws {
            let slow = try await client.submit(
                JobRequest(jobType: .llmInference, durationMinutes: 1, params: ["prompt": "SLOW"]))
            do {
                _ = try await client.wait(slow.jobID, timeout: .milliseconds(400))
                Issue.record("expected a wait timeout")
            } catch {
                #expect(error.code == .waitTimeout)
                #expect(error.job?.jobID == slow.jobID)
                #expect(error.job?.isTerminal == false)
            }
            try await client.cancel(slow.jobID)
        }

        @Test func imageJob() async throws {
            let job = try await client.submit(
                JobRequest(
                    jobType: .imageGeneration, durationMinutes: 1,
                    params: ["prompt": "dunes", "width": 256, "height": 256]))
            _ = try await client.wait(job.jobID, timeout: .seconds(60))
            let out = try await client.output(job.jobID)
            #expect(out.kind == .image)
            #expect(Array(out.imageData?.prefix(4) ?? []) == [0x89, 0x50, 0x4E, 0x47])
            let path = NSTemporaryDirectory() + "dc1-swift-\(job.jobID).png"
            let saved = try await client.saveImage(job.jobID, to: path)
            #expect(saved.bytes > 8)
            #expect(FileManager.default.fileExists(atPath: path))
            try? FileManager.default.removeItem(atPath: path)
        }

        @Test func vllmEndpointAndChat() async throws {
            let job = try await client.submit(
                JobRequest(
                    jobType: .vllmServe, durationMinutes: 5,
                    params: ["model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"],
                    model: "TinyLlama/TinyLlama-1.1B-Chat-v1.0"))
            let ready = try await client.waitReady(job.jobID, timeout: .seconds(60))
            let endpoint = try #require(ready.endpointURL)
            let answer = try await client.chat(
                ChatRequest(
                    model: "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
                    messages: [.user("Hello")], maxTokens: 16, endpointURL: endpoint))
            #expect(!answer.content.isEmpty)
            try await client.cancel(job.jobID)
            let cancelled = try await client.wait(job.jobID, timeout: .seconds(30))
            #expect(cancelled.status == .cancelled)
        }

        @Test func customContainer() async throws {
            let script =
                "import json\nprint('hello from the script')\nprint('DC1_RESULT_JSON:' + json.dumps({'answer': 42}))"
            let job = try await client.submit(
                JobRequest(
                    jobType: .customContainer, durationMinutes: 5,
                    params: ["image_override": "dc1/general-worker:latest", "script": "\(script)"]))
            let done = try await client.wait(job.jobID, timeout: .seconds(60))
            #expect(done.status == .completed)
            let out = try await client.output(job.jobID)
            #expect(out.kind == .json)
            #expect(out.resultJSON?["answer"] == 42)
            #expect(out.stdout?.contains("hello from the script") == true)
        }

        // Any route
        @Test func anyRoute() async throws {
            let r = try await client.request("GET", "/api/jobs/history?limit=1")
            #expect(r.httpStatus == 200)
            #expect(r.body["jobs"] != nil)
            do { _ = try await client.request("GET", "/api/nothing-here"); Issue.record("expected 404") } catch {
                #expect(error.code == .notFound)
            }
        }

        // Streaming
        @Test func streams() async throws {
            let job = try await client.submit(
                JobRequest(jobType: .llmInference, durationMinutes: 1, params: ["prompt": "Stream me"]))
            var statuses: [JobStatus] = []
            var final: Job? = nil
            for try await e in client.events(for: job.jobID, timeout: .seconds(60)) {
                switch e {
                case .status(let s, _, _): statuses.append(s)
                case .finished(let j): final = j
                default: break
                }
            }
            #expect(!statuses.isEmpty)
            #expect(final?.status == .completed)
            var lines: [LogLine] = []
            for try await l in client.logLines(for: job.jobID) { lines.append(l) }
            #expect(!lines.isEmpty)
            #expect(lines.map(\.lineNo) == lines.map(\.lineNo).sorted())
            #expect(Set(lines.map(\.lineNo)).count == lines.count)

            var pieces: [String] = []
            for try await p in client.chatStream(model: "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Hello", maxTokens: 32) {
                pieces.append(p)
            }
            #expect(pieces.count > 1)
            let plain = try await client.chat(model: "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Hello", maxTokens: 16)
            #expect(!plain.content.isEmpty)
        }

        // Webhooks
        @Test func webhooks() async throws {
            try await client.setWebhookURL("http://127.0.0.1:9/hook")
            #expect(try await client.me().webhookURL == "http://127.0.0.1:9/hook")
            try await client.setWebhookURL(nil)
            let hook = try await client.registerWebhook(
                url: "http://127.0.0.1:9/registered", secret: "0123456789abcdef0123",
                events: ["job.completed"])
            #expect(!hook.id.isEmpty)
            #expect(try await client.webhooks().contains { $0.id == hook.id && $0.active })
            try await client.deleteWebhook(hook.id)
            #expect(try await client.webhooks().contains { $0.id == hook.id && !$0.active })

            let body = Array(#"{"job_id":"job-1","status":"done","cost_halala":12}"#.utf8)
            // HMAC-SHA256("secret", body) computed independently with Python's hmac module.
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [
                "python3", "-c",
                "import hmac,hashlib,sys;print(hmac.new(b'secret',sys.argv[1].encode(),hashlib.sha256).hexdigest())",
                String(decoding: body, as: UTF8.self),
            ]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            p.waitUntilExit()
            let sig = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(DC1Client.verifyWebhook(secret: "secret", signatureHeader: "sha256=" + sig, body: body))
            #expect(!DC1Client.verifyWebhook(secret: "other", signatureHeader: sig, body: body))
            let ev = try DC1Client.parseWebhook(body)
            #expect(ev.status == .completed)
            #expect(ev.jobID == "job-1")
            #expect(ev.cost == Money(halala: 12))
        }
    }
}
