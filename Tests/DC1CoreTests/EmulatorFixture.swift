import Foundation

/// Starts the Python emulator (bindings/python/dc1/emulator) for the integration tests and
/// stops it at the end. Tests may use Foundation; the library never does.
final class EmulatorProcess: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    let apiKey: String
    /// The control API's token (`x-emulator-token` header or `?token=` on `/__emulator/…`).
    let controlToken: String

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "dc1.emulator", "--port", "0", "--speed", "20"]
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = root.appendingPathComponent("bindings/python").path
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let handle = pipe.fileHandleForReading
        while text.components(separatedBy: "\n").count < 4 {  // three lines: URL, key, control token
            let d = handle.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 3, lines[0].hasPrefix("DC1_BASE_URL="), lines[1].hasPrefix("DC1_API_KEY="),
            lines[2].hasPrefix("DC1_EMULATOR_TOKEN=")
        else {
            process.terminate()
            throw NSError(
                domain: "emulator", code: 1, userInfo: [NSLocalizedDescriptionKey: "emulator did not start: \(text)"])
        }
        baseURL = String(lines[0].dropFirst("DC1_BASE_URL=".count))
        apiKey = String(lines[1].dropFirst("DC1_API_KEY=".count))
        controlToken = String(lines[2].dropFirst("DC1_EMULATOR_TOKEN=".count))
    }

    deinit {
        // SIGKILL, not terminate(): the child inherits the test thread's signal mask, in which
        // SIGTERM is blocked; and waitUntilExit() can hang on a Swift Testing thread.
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        waitpid(process.processIdentifier, &status, 0)
    }
}
