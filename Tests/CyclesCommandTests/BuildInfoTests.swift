import ArgumentParser
import CyclesProtocol
import Testing

@testable import cycles

@Suite("cycles --version")
struct BuildInfoTests {
    @Test("The version line names the tool, the release version, the commit and the protocol version")
    func versionLineShape() {
        let info = BuildInfo(version: "1.2.3", commit: "0123abcd-dirty", protocolVersion: "0.1.25")
        #expect(info.versionLine == "cycles 1.2.3 (commit 0123abcd-dirty, protocol 0.1.25)")
    }

    @Test("An unstamped build says the commit is unknown instead of guessing")
    func unstampedCommitReadsUnknown() {
        // Test builds are never stamped: only scripts/package.sh writes the commit file, and it deletes it after
        // its release build. A leftover file would make every later build claim a commit it may not be.
        #expect(BuildInfo.current.commit == nil)
        let info = BuildInfo(version: "1.2.3", commit: nil, protocolVersion: "0.1.25")
        #expect(info.versionLine == "cycles 1.2.3 (commit unknown, protocol 0.1.25)")
    }

    @Test("The compiled-in build info carries a dotted release version and the protocol this package speaks")
    func currentBuildInfo() {
        let current = BuildInfo.current
        #expect(current.protocolVersion == ProtocolLimits.protocolVersion)
        let parts = current.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { UInt($0) != nil })
    }

    @Test("`cycles --version` prints the version line and exits cleanly")
    func versionFlagPrintsVersionLine() throws {
        do {
            _ = try CyclesCommand.parseAsRoot(["--version"])
            Issue.record("--version parsed as a command instead of exiting")
        } catch {
            #expect(CyclesCommand.exitCode(for: error) == .success)
            #expect(CyclesCommand.message(for: error) == BuildInfo.current.versionLine)
        }
    }
}
