// dc1: the command line over the libdc1 core. Parses the arguments by hand, runs one command,
// and maps every failure to an exit status by its class (ExitCodes.swift).
import DC1Core
import Glibc

Interrupts.shared.install()

/// Parses global options, then the command and its arguments, and runs it.
func runCLI(_ argv: [String]) -> Int32 {
    let tokens = argv.enumerated().dropFirst().map { Token(argvIndex: $0.offset, text: $0.element) }
    var globals = GlobalOptions()
    var console = Console(json: false)
    // Whatever the key's source, it is never written out (not even in an echoed mistake).
    let envKey = getenv("DC1_API_KEY").map { String(cString: $0) }
    console.addSecret(envKey)

    func fail(_ e: UsageError) -> Int32 {
        console.addSecret(globals.apiKey)
        console.err("dc1: \(e.message)")
        if let name = e.command, let c = Commands.named(name) { console.err("usage: dc1 \(c.usage)") }
        else if !e.invalidValue { console.err("Run 'dc1 --help' for the commands and options.") }
        return e.invalidValue ? ExitCode.invalid : ExitCode.usage
    }

    // Global options before the command.
    var i = 0
    var command: String? = nil
    do throws(UsageError) {
        while i < tokens.count {
            let t = tokens[i].text
            if t == "--" { i += 1; break }
            if t.hasPrefix("-") && t != "-" {
                if try globals.consume(tokens, &i) { continue }
                throw UsageError("unknown option \(splitFlag(t).0)")
            }
            break
        }
        if i < tokens.count { command = tokens[i].text; i += 1 }
    } catch {
        globals.wipeKeyFromArgv()
        return fail(error)
    }

    guard let name = command else {
        if globals.version { console.out("dc1 \(libraryVersion)"); return ExitCode.ok }
        if globals.help { console.outText(Help.main()); return ExitCode.ok }
        console.err("dc1: no command given")
        console.err("Run 'dc1 --help' for the commands and options.")
        return ExitCode.usage
    }
    let rest = Array(tokens[i...])
    if name == "help" {
        guard let topic = rest.first?.text else { console.outText(Help.main()); return ExitCode.ok }
        guard let c = Commands.named(topic) else { return fail(UsageError("no such command \"\(topic)\"")) }
        console.outText(Help.command(c))
        return ExitCode.ok
    }
    guard let cmd = Commands.named(name) else {
        globals.wipeKeyFromArgv()
        if globals.version { console.out("dc1 \(libraryVersion)"); return ExitCode.ok }
        return fail(UsageError("unknown command \"\(name)\""))
    }

    let args: ParsedArgs
    do {
        args = try parseCommand(name, rest, cmd.spec, &globals)
    } catch {
        globals.wipeKeyFromArgv()
        if globals.help { console.outText(Help.command(cmd)); return ExitCode.ok }
        return fail(error)
    }
    globals.wipeKeyFromArgv()
    if globals.help { console.outText(Help.command(cmd)); return ExitCode.ok }
    if globals.version { console.out("dc1 \(libraryVersion)"); return ExitCode.ok }

    console = Console(json: globals.json)
    console.addSecret(envKey)
    console.addSecret(globals.apiKey)
    let ctx = Context(globals: globals, console: console)
    do {
        return try cmd.run(ctx, args)
    } catch let e as DC1Error {
        return report(e, console)
    } catch let e as UsageError {
        return fail(e)
    } catch {
        return report(DC1Error(.internal, "unexpected error: \(error)"), console)
    }
}

/// Prints a core error (`dc1: <message>` on stderr; with --json its document on stdout too)
/// and returns its exit status.
func report(_ e: DC1Error, _ console: Console) -> Int32 {
    if console.json { console.outJSON(e.document()) }
    var msg: String
    switch e.code {
    case .interrupted: msg = e.message.hasPrefix("interrupted") ? e.message : "interrupted"
    default: msg = e.message
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
