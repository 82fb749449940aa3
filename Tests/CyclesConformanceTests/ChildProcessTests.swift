import CyclesConformance
import Foundation
import Testing

/// The one way this package starts child processes (drivers, adapters, the Python SDK, `cycles` itself).
struct ChildProcessTests {
    @Test("Input reaches the child, both output streams come back apart, and the exit code is kept")
    func inputOutputAndExitCode() async throws {
        let outcome = try await ChildProcess(["/bin/sh", "-c", "cat; echo oops >&2; exit 3"]).run(input: Data("hello".utf8))
        #expect(outcome.output == "hello")
        #expect(outcome.errorOutput == "oops\n")
        #expect(outcome.exitCode == 3)
        #expect(!outcome.timedOut)
    }

    @Test("A child that outlives its timeout is killed and says so; a bare name is found on PATH")
    func timeoutKills() async throws {
        let outcome = try await ChildProcess(["sleep"]).run(["30"], timeout: .milliseconds(200))
        #expect(outcome.timedOut)
        #expect(outcome.exitCode == 128 + SIGKILL)
    }

    @Test("A child that never reads a large input neither blocks nor fails the caller")
    func unreadInput() async throws {
        let outcome = try await ChildProcess(["/bin/sh", "-c", "echo done"]).run(input: Data(count: 4 << 20), timeout: .seconds(30))
        #expect(outcome.output == "done\n")
        #expect(outcome.exitCode == 0)
    }

    @Test("Output can be awaited while the child runs, and a signal ends it")
    func markerAndSignal() async throws {
        let running = ChildProcess(["/bin/sh", "-c", "echo ready; exec sleep 30"]).start()
        #expect(await running.output(containing: "ready") == "ready\n")
        running.interrupt()
        let outcome = try await running.finish()
        #expect(outcome.exitCode == 128 + SIGINT)
    }

    @Test("Forty children started at once from a process with hundreds of descriptors open all run to the end")
    func manyAtOnceWithManyDescriptors() async throws {
        // Foundation's `Process.run()` crashed in exactly this situation (it over-reads while scanning /proc/self/fd).
        let descriptors = (0..<300).compactMap { _ in FileHandle(forReadingAtPath: "/dev/null") }
        defer { for handle in descriptors { try? handle.close() } }
        let codes = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<40 {
                group.addTask { try await ChildProcess(["/bin/sh", "-c", "exit \(index % 7)"]).run().exitCode }
            }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        #expect(codes.sorted() == (0..<40).map { Int32($0 % 7) }.sorted())
    }

    @Test("A command that does not exist is an error, not a crash or a hang")
    func missingExecutable() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await ChildProcess(["/nonexistent/cycles-no-such-program"]).run()
        }
    }
}
