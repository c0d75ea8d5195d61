// dc1: the command line over the libdc1 core. swift-argument-parser parses the arguments
// (CLI.swift and Commands/); this file runs the chosen command and maps every failure to an
// exit status by its class (ExitCodes.swift).
import ArgumentParser
import DC1Core
import Glibc

Interrupts.shared.install()

/// Where the key sits in argv: the value after `--api-key`, or after `--api-key=`.
func apiKeyPositions(_ argv: [String]) -> [(index: Int, offset: Int)] {
    var found: [(Int, Int)] = []
    var i = 1
    while i < argv.count {
        let a = argv[i]
        if a == "--" { break }
        if a == "--api-key", i + 1 < argv.count { found.append((i + 1, 0)); i += 2; continue }
        if a.hasPrefix("--api-key=") { found.append((i, "--api-key=".utf8.count)) }
        i += 1
    }
    return found
}

/// Overwrites the key's bytes in argv, so it no longer shows in /proc/<pid>/cmdline or ps.
func wipeKeyFromArgv(_ positions: [(index: Int, offset: Int)]) {
    for (index, offset) in positions where index < Int(CommandLine.argc) {
        guard let p = CommandLine.unsafeArgv[index] else { continue }
        let n = strlen(p)
        if offset < n { memset(p + offset, Int32(UInt8(ascii: "x")), n - offset) }
    }
}

/// Parses, runs one command, returns the exit status.
func runCLI(_ argv: [String]) -> Int32 {
    var console = Console(json: false)
    // Whatever the key's source, it is never written out (not even in an echoed mistake).
    console.addSecret(getenv("DC1_API_KEY").map { String(cString: $0) })
    let keyAt = apiKeyPositions(argv)
    for (index, offset) in keyAt { console.addSecret(String(argv[index].utf8.dropFirst(offset))!) }
    defer { wipeKeyFromArgv(keyAt) }

    let parsed: ParsableCommand
    do {
        parsed = try DC1Root.parseAsRoot(Array(argv.dropFirst()))
    } catch {
        wipeKeyFromArgv(keyAt)
        if DC1Root.exitCode(for: error) == .success {  // --help, --version, completion scripts
            console.outText(DC1Root.fullMessage(for: error))
            return ExitCode.ok
        }
        var message = DC1Root.message(for: error)
        if let near = commandSuggestion(argv) { message += "\ndid you mean '\(near)'?" }
        return usageFailure(
            message, usage: usageLines(DC1Root.fullMessage(for: error)),
            invalidValue: DC1Root.message(for: error).contains("is invalid for"), console)
    }
    wipeKeyFromArgv(keyAt)
    if parsed is DC1Root {
        console.err("dc1: no command given")
        console.err("Run 'dc1 --help' for the commands and options.")
        return ExitCode.usage
    }
    guard let command = parsed as? any DC1Subcommand else {
        // ArgumentParser's own commands (`dc1 help <command>`, a group like `dc1 webhook`).
        var builtin = parsed
        do {
            try builtin.run()
            return ExitCode.ok
        } catch {
            if DC1Root.exitCode(for: error) == .success {
                console.outText(DC1Root.fullMessage(for: error))
                return ExitCode.ok
            }
            return usageFailure(
                DC1Root.message(for: error), usage: usageLines(DC1Root.fullMessage(for: error)),
                invalidValue: false, console)
        }
    }
    let globals: GlobalOptions
    do { globals = try command.globals.checked() } catch let e as UsageError {
        return usageFailure(e.message, usage: nil, invalidValue: e.invalidValue, console)
    } catch {
        return report(DC1Error(.internal, "unexpected error: \(error)"), console)
    }
    console = Console(json: globals.json)
    console.addSecret(getenv("DC1_API_KEY").map { String(cString: $0) })
    console.addSecret(globals.apiKey)
    let ctx = Context(globals: globals, console: console)
    do {
        return try command.execute(ctx)
    } catch let e as DC1Error {
        return report(e, console)
    } catch let e as UsageError {
        let usage = e.command.flatMap { name in
            DC1Root.configuration.subcommands.first { $0._commandName == name }.map {
                "Usage: " + DC1Root.usageString(for: $0)
            }
        }
        return usageFailure(e.message, usage: usage.map { [$0] }, invalidValue: e.invalidValue, console)
    } catch {
        return report(DC1Error(.internal, "unexpected error: \(error)"), console)
    }
}

/// The command nearest a mistyped first word (`dc1 balanse` → "balance"), if any is close.
func commandSuggestion(_ argv: [String]) -> String? {
    let names = DC1Root.configuration.subcommands.map { $0._commandName }
    // The first word that is not an option (nor an option's value) is the command.
    var i = 1
    while i < argv.count, argv[i].hasPrefix("-") {
        if !argv[i].contains("="), GlobalOptions.valueOptions.contains(argv[i]) { i += 1 }
        i += 1
    }
    guard i < argv.count, !names.contains(argv[i]) else { return nil }
    let word = Array(argv[i].lowercased().utf8)
    var best: (Int, String)? = nil
    for n in names {
        let d = Text.editDistance(word, Array(n.utf8))
        if d <= max(2, n.count / 3), best == nil || d < best!.0 { best = (d, n) }
    }
    return best?.1
}

/// The usage lines ArgumentParser prints after its error line.
func usageLines(_ full: String) -> [String] {
    full.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        .map(String.init).filter { !$0.allSatisfy { $0 == " " } }
}

/// A mistake in the arguments: the message naming the argument, the usage, exit 1 (2 for a
/// bad value). Anything that looks like a key is redacted even when it was not given as one.
func usageFailure(_ message: String, usage: [String]?, invalidValue: Bool, _ console: Console) -> Int32 {
    func scrub(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            var bare = Substring(word)
            while let f = bare.first, f == "'" || f == "\"" { bare = bare.dropFirst() }
            while let l = bare.last, l == "'" || l == "\"" || l == "," || l == "." { bare = bare.dropLast() }
            return bare.hasPrefix("dcp-renter-") || bare.hasPrefix("dcp-provider-")
                ? String(word).replacing(String(bare), with: "[redacted]") : String(word)
        }.joined(separator: " ")
    }
    console.err("dc1: " + scrub(message))
    if let usage, !usage.isEmpty {
        for l in usage { console.err(scrub(l)) }
    } else {
        console.err("Run 'dc1 --help' for the commands and options.")
    }
    return invalidValue ? ExitCode.invalid : ExitCode.usage
}

/// The message with its hint in the CLI's terms: the options a person can type here.
func cliWords(_ e: DC1Error) -> String {
    guard let h = e.detail("hint"), let text = h.string("text"), e.message.hasSuffix(text) else { return e.message }
    let words: String
    switch h.string("option") {
    case "api_key": words = "set DC1_API_KEY or pass --api-key KEY"
    case "allow_insecure_http":
        words = "use an https:// --base-url (the CLI sends the key in plain http only to a loopback address)"
    default: return e.message
    }
    return String(e.message.dropLast(text.count)) + words
}

/// Prints a core error (`dc1: <message>` on stderr; with --json its document on stdout too)
/// and returns its exit status.
func report(_ e: DC1Error, _ console: Console) -> Int32 {
    if console.json { console.outJSON(e.document()) }
    var msg: String
    switch e.code {
    case .interrupted: msg = e.message.hasPrefix("interrupted") ? e.message : "interrupted"
    default: msg = cliWords(e)
    }
    switch e.code {
    case .auth where !msg.contains("DC1_API_KEY"): msg += " — check DC1_API_KEY (or --api-key)"
    case .network: msg += " — is the base URL right and reachable?"
    case .submitUnknown: msg += " — check `dc1 history` before submitting again"
    default: break
    }
    if let rid = e.requestID, e.code != .interrupted { msg += " [request \(rid)]" }
    console.err("dc1: " + msg)
    return ExitCode.of(e.code)
}

exit(runCLI(CommandLine.arguments))
