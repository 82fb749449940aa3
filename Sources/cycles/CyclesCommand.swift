import ArgumentParser

/// `cycles`: the command-line entry point. Each subcommand lives in its own file.
@main
struct CyclesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Budget enforcement for AI agents: a Cycles reference server and tools.",
        version: BuildInfo.current.versionLine,
        subcommands: [ServeCommand.self, AdminCommand.self, BenchCommand.self, ConformanceCommand.self])
}
