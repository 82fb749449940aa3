import ArgumentParser

@main
struct CyclesCommand: AsyncParsableCommand {
    func run() async throws {}
}
