import DC1Core

/// `dc1 --help`, `dc1 help <command>`, `dc1 <command> --help`.
enum Help {
    static func main() -> String {
        var s = """
        dc1 — the DC1 (dcp.sa) GPU marketplace from the command line (libdc1 \(libraryVersion))

        Usage: dc1 [global options] <command> [arguments]

        Commands:

        """
        let width = Commands.all.map { $0.name.count }.max() ?? 8
        for c in Commands.all {
            s += "  " + c.name + String(repeating: " ", count: width - c.name.count + 3) + c.summary + "\n"
        }
        s += """

        Global options (before or after the command):
          --api-key KEY     the renter key; prefer the DC1_API_KEY environment variable, since
                            arguments are visible to other users of the machine. Never printed.
          --base-url URL    the API (default $DC1_BASE_URL, else https://api.dcp.sa)
          --timeout S       the command's deadline in seconds, before or after the command name:
                            for wait, submit --wait and chat --job the wait (default 600),
                            for every other command each API call, retries included (default 30)
          --request-timeout S  each API call's deadline, also inside a wait (default 30)
          --json            machine output: each result as one JSON document per line on stdout;
                            on failure the error document goes to stdout too
          -v, --verbose     the core's log messages (each HTTP exchange, retries) on stderr
          -h, --help        this help; `dc1 help <command>` for one command
          --version         print the version

        Waiting shows progress on stderr: a spinner when stderr is a terminal, otherwise one
        "status: <status> (<elapsed>)" line per change. Ctrl-C stops the current call and exits 130.

        Exit status:

        """
        for (code, text) in ExitCode.table {
            let n = String(code)
            s += "  " + n + String(repeating: " ", count: 5 - n.count) + text + "\n"
        }
        s += """

        Examples:
          export DC1_API_KEY=dc1-renter-…
          dc1 balance
          dc1 providers --live --min-vram 16
          dc1 submit llm_inference --prompt "Write a haiku about desert computing" max_tokens=64 --wait
          dc1 submit image_generation --prompt "A camel caravan at sunset" --wait --save camel.png
          dc1 submit custom_container --script job.py --duration 10 --wait
          dc1 submit vllm_serve --model TinyLlama/TinyLlama-1.1B-Chat-v1.0 --duration 30 --wait
          dc1 chat --job job-… "What is the capital of Saudi Arabia?"
          dc1 logs -f job-…
        """
        return s
    }

    static func command(_ c: Command) -> String {
        "Usage: dc1 \(c.usage)\n\n\(c.summary.prefix(1).uppercased() + c.summary.dropFirst()).\n\n\(c.details)\n\n"
            + "Global options (--api-key, --base-url, --timeout, --json, -v) are accepted too; see dc1 --help.\n"
    }
}
