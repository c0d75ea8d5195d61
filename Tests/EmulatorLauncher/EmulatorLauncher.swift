import Foundation

/// Starts the emulator (`PYTHONPATH=emulator python3 -m dc1_emulator`) for a test and kills it
/// when released. The one launcher of both Swift test targets: SwiftPM lets a test target depend
/// on a regular target (this one, which no product exports), not on another test target.
/// Tests may use Foundation; the library never does.
public final class EmulatorLauncher: @unchecked Sendable {
    public let process = Process()
    public let baseURL: String
    public let apiKey: String
    /// The control API's token (`x-emulator-token` header or `?token=` on `/__emulator/…`);
    /// empty when it needs none (`--no-control-auth`).
    public let controlToken: String

    /// - Parameters:
    ///   - extra: more emulator flags (`--providers 80`, `--speed 1`, …).
    ///   - niceness: run the emulator at this `nice` level, so a timing test measures the
    ///     library rather than the emulator's share of the same cores.
    public init(_ extra: [String] = [], niceness: Int = 0) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            (niceness > 0 ? ["nice", "-n", String(niceness)] : []) + [
                "python3", "-m", "dc1_emulator", "--port", "0", "--speed", "20", "--quiet",
                "--allow-loopback-webhooks",
            ] + extra
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = root.appendingPathComponent("emulator").path
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Three lines once it listens: export DC1_BASE_URL=…, export DC1_API_KEY=…,
        // export DC1_EMULATOR_TOKEN=… (shell-quoted where needed).
        var text = ""
        let handle = pipe.fileHandleForReading
        while text.components(separatedBy: "\n").count < 4 {
            let d = handle.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        let values = parseEmulatorLines(text)
        guard let base = values["DC1_BASE_URL"], let key = values["DC1_API_KEY"],
            let token = values["DC1_EMULATOR_TOKEN"]
        else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(
                domain: "emulator", code: 1, userInfo: [NSLocalizedDescriptionKey: "emulator did not start: \(text)"])
        }
        baseURL = base
        apiKey = key
        controlToken = token
    }

    deinit {
        // SIGKILL, not terminate(): the child inherits the test thread's signal mask, in which
        // SIGTERM is blocked; and waitUntilExit() can hang on a Swift Testing thread.
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        waitpid(process.processIdentifier, &status, 0)
    }
}

/// The `NAME=value` assignments of the emulator's lines, `export ` optional, with the shell
/// quoting that Python's shlex.quote writes undone ('…' spans, and '"'"' for a quote).
public func parseEmulatorLines(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    for raw in text.split(separator: "\n") {
        var line = Substring(raw)
        if line.hasPrefix("export ") { line = line.dropFirst("export ".count) }
        guard let eq = line.firstIndex(of: "="), line[..<eq].allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber })
        else { continue }
        var value = ""
        var quote: Character? = nil
        var escaped = false
        for c in line[line.index(after: eq)...] {
            if escaped {
                value.append(c)
                escaped = false
            } else if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { value.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\" {
                escaped = true
            } else {
                value.append(c)
            }
        }
        out[String(line[..<eq])] = value
    }
    return out
}
