// The guide's quickstart with async/await: balance, submit, watch, output, logs.
// DC1_API_KEY and DC1_BASE_URL come from the environment (`make demo` starts an emulator).
import DC1
import Foundation

do {
    let client = try DC1Client()
    let balance = try await client.balance()
    print("balance: \(balance.available) available of \(balance.balance)")

    let job = try await client.submit(
        JobRequest(
            jobType: .llmInference, durationMinutes: 1,
            params: ["prompt": "Hello", "max_tokens": 64]))
    print("submitted \(job.jobID) (\(job.status)), prepaid \(job.cost ?? .zero)")

    // Watch it: every status change, then the finished job.
    var finished: Job? = nil
    for try await event in client.events(for: job.jobID, timeout: .seconds(120)) {
        switch event {
        case .status(let status, _, _): print("  status: \(status)")
        case .retry(let code, let message): print("  retrying after \(code): \(message)")
        case .finished(let j): finished = j
        case .tick: break
        }
    }
    guard let done = finished, done.status == .completed else {
        print("the job ended \(finished?.status.rawValue ?? "?")")
        exit(1)
    }
    let output = try await client.output(job.jobID)
    print("output (\(output.kind)): \(output.text ?? "")")
    print("cost: \(done.actualCost ?? done.cost ?? .zero)")

    var lines = 0
    for try await line in client.logLines(for: job.jobID) {
        lines += 1
        if lines <= 3 { print("  log \(line.lineNo): \(line.message)") }
    }
    print("\(lines) log lines")
    print("quickstart: ok")
} catch {
    print("quickstart failed: \(error.code): \(error.message)")
    exit(1)
}
