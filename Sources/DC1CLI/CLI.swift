import ArgumentParser
import DC1Core
import Glibc

/// The `dc1` command: subcommands, generated help and completion scripts (swift-argument-parser).
/// Parsing only: every subcommand's work is `execute(_:)`, run by main.swift, which maps each
/// failure to an exit status by its class (ExitCodes.swift).
struct DC1Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dc1",
        abstract: "The DC1 (dcp.sa) GPU marketplace from the command line (libdc1 \(libraryVersion)).",
        discussion: DC1Root.discussion,
        version: "dc1 \(libraryVersion)",
        subcommands: allSubcommands)

    @OptionGroup var globals: GlobalOptions

    static var discussion: String {
        var s = """
            Waiting shows progress on stderr: a spinner when stderr is a terminal, otherwise one "status: <status> (<elapsed>)" line per change. Ctrl-C stops the current call and exits 130.

            Exit status:

            """
        for (code, text) in ExitCode.table {
            let n = String(code)
            s += wrapped(
                text, first: "  " + n + String(repeating: " ", count: 5 - n.count),
                rest: String(repeating: " ", count: 7))
        }
        s += """

            Examples:
              export DC1_API_KEY=dcp-renter-…
              dc1 balance
              dc1 providers --live --min-vram 16
              dc1 submit llm_inference --prompt "Write a haiku" max_tokens=64 --wait
              dc1 submit image_generation --prompt "A camel caravan" --wait --save camel.png
              dc1 submit custom_container --script job.py --duration 10 --wait
              dc1 submit vllm_serve --model TinyLlama/TinyLlama-1.1B-Chat-v1.0 --wait
              dc1 chat --job job-… "What is the capital of Saudi Arabia?"
              dc1 logs -f job-…
              dc1 --generate-completion-script bash > /etc/bash_completion.d/dc1
            """
        return s
    }
}

/// `text` broken into lines of at most 78 columns, the first after `first`, the others after
/// `rest` (ArgumentParser re-wraps longer lines without the indentation).
func wrapped(_ text: String, first: String, rest: String) -> String {
    var out = ""
    var line = first
    var empty = true
    for word in text.split(separator: " ") {
        if !empty && line.count + 1 + word.count > 78 {
            out += line + "\n"
            line = rest
            empty = true
        }
        line += (empty ? "" : " ") + word
        empty = false
    }
    return out + line + "\n"
}

/// The flags every command accepts, before or after the command name.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("api-key"),
        help: ArgumentHelp(
            "The renter key; prefer the DC1_API_KEY environment variable (arguments are visible to other users). Never printed.",
            valueName: "KEY"))
    var apiKey: String?

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("The API (default $DC1_BASE_URL, else https://api.dcp.sa).", valueName: "URL"))
    var baseURL: String?

    @Option(
        help: ArgumentHelp(
            "The command's deadline in seconds: for wait, submit --wait and chat --job the wait (default 600); for every other command each API call, retries included (default 30).",
            valueName: "S"))
    var timeout: Double?

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("Each API call's deadline in seconds, also inside a wait (default 30).", valueName: "S"))
    var requestTimeout: Double?

    @Flag(
        help:
            "Machine output: each result as one JSON document per line on stdout; on failure the error document goes to stdout too."
    )
    var json = false

    @Flag(name: [.short, .long], help: "The core's log messages (each HTTP exchange, retries) on stderr.")
    var verbose = false

    /// The global options that take a value (the word after them is not a command).
    static let valueOptions: Set<String> = ["--api-key", "--base-url", "--timeout", "--request-timeout"]

    var timeoutSeconds: Double? { timeout }
    var requestTimeoutSeconds: Double? { requestTimeout }

    /// Range checks the parser cannot express; a bad value exits 2.
    func checked() throws -> GlobalOptions {
        for (name, v) in [("--timeout", timeout), ("--request-timeout", requestTimeout)] {
            if let v, !(v.isFinite && v > 0 && v <= 86_400) {
                throw UsageError(
                    "\(name) must be a number of seconds in (0, 86400], not \"\(trimNumber(v))\"", invalidValue: true)
            }
        }
        if let k = apiKey, k.isEmpty { throw UsageError("--api-key is empty", invalidValue: true) }
        if let b = baseURL, b.isEmpty { throw UsageError("--base-url is empty", invalidValue: true) }
        return self
    }
}

/// A subcommand of dc1: parsed by ArgumentParser, run by main.swift with a Context.
protocol DC1Subcommand: ParsableCommand {
    var globals: GlobalOptions { get }
    /// Does the work; returns the exit status on success (failures are thrown).
    func execute(_ ctx: Context) throws -> Int32
}

extension DC1Subcommand {
    /// Not used: main.swift calls execute(_:) so it can map errors to exit statuses.
    func run() throws {}
}

/// A mistake in the arguments, found after parsing (exit 1, or 2 for a bad value).
struct UsageError: Error {
    var message: String
    var invalidValue = false
    /// The subcommand whose usage line should be shown, if any.
    var command: String? = nil

    init(_ message: String, invalidValue: Bool = false, command: String? = nil) {
        self.message = message
        self.invalidValue = invalidValue
        self.command = command
    }
}

/// Checked conversions of option values (exit 2 naming the option when out of range).
enum Check {
    static func int(_ v: Int?, _ name: String, _ range: ClosedRange<Int>, command: String) throws -> Int? {
        guard let v else { return nil }
        guard range.contains(v) else {
            throw UsageError(
                "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), not \(v)",
                invalidValue: true, command: command)
        }
        return v
    }

    static func double(
        _ v: Double?, _ name: String, min: Double = -.infinity, max: Double = .infinity,
        command: String
    ) throws -> Double? {
        guard let v else { return nil }
        guard v.isFinite, v >= min, v <= max else {
            throw UsageError(
                "\(name) must be a number" + (min > -.infinity ? " >= \(trimNumber(min))" : "")
                    + ", not \(trimNumber(v))", invalidValue: true, command: command)
        }
        return v
    }

    /// Seconds as milliseconds (at least 1).
    static func milliseconds(_ v: Double?, _ name: String, command: String) throws -> Int64? {
        guard let s = try double(v, name, min: 0.001, max: 86_400 * 7, command: command) else { return nil }
        return Swift.max(1, Int64(s * 1000))
    }
}

func trimNumber(_ d: Double) -> String {
    if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
    return String(d)
}

/// Every subcommand, in the order `dc1 --help` lists them.
let allSubcommands: [ParsableCommand.Type] = [
    BalanceCommand.self, MeCommand.self, ProvidersCommand.self, ModelsCommand.self, ImagesCommand.self,
    TemplatesCommand.self, QuoteCommand.self, UsageCommand.self, LifecycleCommand.self, SubmitCommand.self,
    StatusCommand.self,
    WaitCommand.self, OutputCommand.self, LogsCommand.self, CancelCommand.self, HistoryCommand.self,
    ChatCommand.self, WebhookCommand.self, BatchCommand.self, ConfigCommand.self,
]
