/// One subcommand: its usage, its arguments, and what it does. The returned value is the
/// exit status on success (failures are thrown: DC1Error or UsageError).
struct Command: Sendable {
    let name: String
    /// The usage line after "dc1 ".
    let usage: String
    let summary: String
    /// Extra lines for `dc1 help <command>`.
    let details: String
    let spec: CommandSpec
    let run: @Sendable (Context, ParsedArgs) throws -> Int32
}

enum Commands {
    static let all: [Command] = [
        AccountCommands.balance, AccountCommands.me, ProviderCommands.providers,
        SubmitCommand.submit, JobCommands.status, JobCommands.wait, JobCommands.output,
        LogsCommand.logs, JobCommands.cancel, JobCommands.history, ChatCommand.chat,
        WebhookCommand.webhook, BatchCommand.batch,
    ]

    static func named(_ name: String) -> Command? { all.first { $0.name == name } }
}
