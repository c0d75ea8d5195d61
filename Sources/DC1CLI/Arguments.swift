import Glibc

/// A mistake on the command line. `invalidValue` marks a flag value of the wrong form
/// (`--limit abc`), which exits like the core's invalid-argument errors (2); everything else
/// (unknown command or flag, a missing value or argument) is a usage error (1).
struct UsageError: Error {
    var message: String
    var invalidValue = false
    /// The command whose usage line should be shown, if any.
    var command: String? = nil

    init(_ message: String, invalidValue: Bool = false, command: String? = nil) {
        self.message = message
        self.invalidValue = invalidValue
        self.command = command
    }
}

/// One command-line token and its position in argv (so the API key can be wiped from argv).
struct Token {
    let argvIndex: Int
    let text: String
}

/// The flags every command accepts, before or after the command name.
struct GlobalOptions {
    var apiKey: String? = nil
    var baseURL: String? = nil
    /// --timeout: the command's deadline — a waiting command's wait, otherwise each request's.
    var timeoutSeconds: Double? = nil
    /// --request-timeout: each request's deadline, also inside waiting commands.
    var requestTimeoutSeconds: Double? = nil
    var json = false
    var verbose = false
    var help = false
    var version = false
    /// argv positions holding the key, wiped once it has been read (see wipeKeyFromArgv).
    var keyArgv: [(index: Int, offset: Int)] = []

    /// Tries to consume a global flag at tokens[i]; returns false when tokens[i] is not one.
    /// `except` lists flags the command defines itself (its own meaning wins after the name).
    mutating func consume(_ tokens: [Token], _ i: inout Int, except: Set<String> = []) throws(UsageError) -> Bool {
        let (name, inline) = splitFlag(tokens[i].text)
        if except.contains(name) { return false }
        func value() throws(UsageError) -> String {
            if let inline { return inline }
            guard i + 1 < tokens.count else { throw UsageError("\(name) needs a value") }
            i += 1
            return tokens[i].text
        }
        switch name {
        case "--json": guard inline == nil else { throw UsageError("--json takes no value") }; json = true
        case "-v", "--verbose": guard inline == nil else { throw UsageError("\(name) takes no value") }; verbose = true
        case "-h", "--help": help = true
        case "--version": version = true
        case "--api-key":
            let at = tokens[i]
            let v = try value()
            // Record where the key sits in argv without ever quoting it in a message.
            if inline != nil { keyArgv.append((at.argvIndex, name.utf8.count + 1)) }
            else { keyArgv.append((tokens[i].argvIndex, 0)) }
            guard !v.isEmpty else { throw UsageError("--api-key is empty", invalidValue: true) }
            apiKey = v
        case "--base-url":
            let v = try value()
            guard !v.isEmpty else { throw UsageError("--base-url is empty", invalidValue: true) }
            baseURL = v
        case "--timeout", "--request-timeout":
            let v = try value()
            guard let s = Double(v), s.isFinite, s > 0, s <= 86_400 else {
                throw UsageError("\(name) must be a number of seconds in (0, 86400], not \"\(v)\"", invalidValue: true)
            }
            if name == "--timeout" { timeoutSeconds = s } else { requestTimeoutSeconds = s }
        default:
            return false
        }
        i += 1
        return true
    }

    /// Overwrites the key's bytes in argv, so it no longer shows in /proc/<pid>/cmdline or ps.
    func wipeKeyFromArgv() {
        for (index, offset) in keyArgv where index < Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[index] else { continue }
            let n = strlen(p)
            if offset < n { memset(p + offset, Int32(UInt8(ascii: "x")), n - offset) }
        }
    }
}

/// Splits "--name=value" into ("--name", "value"); other tokens come back whole.
func splitFlag(_ s: String) -> (String, String?) {
    guard s.hasPrefix("--"), let eq = s.firstIndex(of: "=") else { return (s, nil) }
    return (String(s[..<eq]), String(s[s.index(after: eq)...]))
}

/// What a command accepts besides the global flags.
struct CommandSpec {
    /// Flags that take a value, by every spelling (the first is the canonical name).
    var valueFlags: [[String]] = []
    /// Flags without a value.
    var boolFlags: [[String]] = []
    var minPositionals = 0
    var maxPositionals = 0

    func canonical(_ name: String) -> (String, Bool)? {
        for names in valueFlags where names.contains(name) { return (names[0], true) }
        for names in boolFlags where names.contains(name) { return (names[0], false) }
        return nil
    }

    var allNames: Set<String> { Set((valueFlags + boolFlags).flatMap { $0 }) }
}

/// A command's parsed arguments.
struct ParsedArgs {
    let command: String
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { values[name] }
    func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }

    func int(_ name: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let s = values[name] else { return nil }
        guard let v = Int(s), range.contains(v) else {
            throw UsageError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)",
                             invalidValue: true, command: command)
        }
        return v
    }

    func double(_ name: String, min: Double = -.infinity, max: Double = .infinity) throws(UsageError) -> Double? {
        guard let s = values[name] else { return nil }
        guard let v = Double(s), v.isFinite, v >= min, v <= max else {
            throw UsageError("\(name) must be a number" + (min > -.infinity ? " >= \(trimNumber(min))" : ""),
                             invalidValue: true, command: command)
        }
        return v
    }

    /// Seconds as milliseconds (at least 1).
    func milliseconds(_ name: String) throws(UsageError) -> Int64? {
        guard let s = try double(name, min: 0.001, max: 86_400 * 7) else { return nil }
        return Swift.max(1, Int64(s * 1000))
    }
}

/// Parses the tokens after the command name: the command's flags, the global flags, and
/// positionals. "--" ends the flags; a lone "-" and negative numbers are positionals.
func parseCommand(_ command: String, _ tokens: [Token], _ spec: CommandSpec,
                  _ globals: inout GlobalOptions) throws(UsageError) -> ParsedArgs {
    var out = ParsedArgs(command: command)
    let own = spec.allNames
    var i = 0
    var flagsEnded = false
    while i < tokens.count {
        let t = tokens[i].text
        let looksLikeFlag = !flagsEnded && t.hasPrefix("-") && t != "-" && Double(t) == nil
        if !looksLikeFlag {
            out.positionals.append(t)
            i += 1
            continue
        }
        if t == "--" { flagsEnded = true; i += 1; continue }
        let (name, inline) = splitFlag(t)
        if let (canon, takesValue) = spec.canonical(name) {
            if takesValue {
                if let inline { out.values[canon] = inline }
                else {
                    guard i + 1 < tokens.count else { throw UsageError("\(name) needs a value", command: command) }
                    i += 1
                    out.values[canon] = tokens[i].text
                }
            } else {
                guard inline == nil else { throw UsageError("\(name) takes no value", command: command) }
                out.flags.insert(canon)
            }
            i += 1
            continue
        }
        do {
            if try globals.consume(tokens, &i, except: own) { continue }
        } catch {
            var e = error
            e.command = command
            throw e
        }
        throw UsageError("unknown option \(name) for \"\(command)\"", command: command)
    }
    if out.positionals.count < spec.minPositionals {
        throw UsageError("\"\(command)\" needs more arguments", command: command)
    }
    if out.positionals.count > spec.maxPositionals {
        throw UsageError("unexpected argument for \"\(command)\"" + (spec.maxPositionals == 0 ? " (it takes none)" : ""),
                         command: command)
    }
    return out
}

func trimNumber(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
}
