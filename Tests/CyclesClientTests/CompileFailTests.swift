import CyclesConformance
import Foundation
import Testing

/// Runs `scripts/compile-fail.sh` against the modules this test run was built with, so the guard's
/// "settle at most once" guarantee (a move-checker error, not a runtime check) is part of `swift test`.
struct CompileFailTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding the test bundle is SwiftPM's bin path (`.build/<triple>/debug`).
    static var binPath: URL? {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap { $0 }
        for candidate in candidates {
            let directory = candidate.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Modules/Cycles.swiftmodule").path)
                || FileManager.default.fileExists(atPath: directory.appendingPathComponent("Cycles.swiftmodule").path)
            {
                return directory
            }
        }
        return nil
    }

    @Test("Double commit, commit after release and use after consume do not compile; correct use does")
    func misuseOfTheGuardIsACompileError() async throws {
        let bin = try #require(Self.binPath, "could not locate the built Cycles module next to the test bundle")
        var environment = ProcessInfo.processInfo.environment
        environment["CYCLES_BIN_PATH"] = bin.path
        let outcome = try await ChildProcess(
            ["/bin/bash", Self.packageRoot.appendingPathComponent("scripts/compile-fail.sh").path],
            environment: environment, workingDirectory: Self.packageRoot.path
        ).run()
        let text = outcome.output + outcome.errorOutput
        #expect(outcome.exitCode == 0, "compile-fail script failed:\n\(text)")
        #expect(text.contains("All compile-fail checks passed."), "\(text)")
        #expect(text.components(separatedBy: "PASS ").count - 1 >= 5, "expected every snippet to be checked:\n\(text)")
    }
}
