import Foundation
import Testing
import DC1
import DC1Core
import EmulatorLauncher

/// The batch runner from Swift, against the emulator: a run, a resume that creates nothing,
/// the status from the journal, a torn last record.
@Suite(.serialized) struct BatchTests {
    let emu: EmulatorLauncher
    let client: DC1Client

    init() throws {
        emu = try EmulatorLauncher()
        client = try DC1Client(apiKey: emu.apiKey, baseURL: emu.baseURL)
    }

    @Test func runResumeStatus() throws {
        let dir = NSTemporaryDirectory() + "dc1-batch-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = ""
        for i in 1...4 {
            let fail = i == 2 ? " FAIL" : ""
            text +=
                "{\"id\":\"s\(i)\",\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"params\":{\"prompt\":\"swift \(i)\(fail)\"}}\n"
        }
        try text.write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        var lineEvents = 0
        let s = try client.runBatch(
            inputPath: dir + "/in.jsonl", outPath: dir + "/out.jsonl",
            journalPath: dir + "/journal", concurrency: 2, maxAttempts: 2
        ) { ev in
            if ev.string("type") == "line" { lineEvents += 1 }
            return true
        }
        #expect(s.lines == 4 && s.completed == 3 && s.failed == 1 && s.attempts == 5 && s.jobsCreated == 5)
        #expect(!s.allCompleted && lineEvents > 0)
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(out.count == 4)

        // A torn last record (as SIGKILL inside a write leaves) is ignored.
        let h = FileHandle(forWritingAtPath: dir + "/journal")!
        h.seekToEndOfFile()
        h.write("{\"ev\":\"submitted\",\"li".data(using: .utf8)!)
        h.closeFile()
        let again = try client.runBatch(
            inputPath: dir + "/in.jsonl", outPath: dir + "/out.jsonl",
            journalPath: dir + "/journal", concurrency: 2, maxAttempts: 2)
        #expect(again.jobsCreated == 0 && again.completed == 3)
        let st = try DC1Client.batchStatus(journalPath: dir + "/journal")
        #expect(st.int("completed") == 3 && st.int("attempts") == 5 && st.bool("finished") == true)
    }
}
