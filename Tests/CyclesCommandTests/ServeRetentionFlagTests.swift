import ArgumentParser
import CyclesServer
import Testing

@testable import cycles

/// `cycles serve --retention-*`: parsed into the server's `RetentionPolicy`, refused below a minimum.
struct ServeRetentionFlagTests {
    static let day: Int64 = 86_400_000

    @Test("Retention flags set the policy; events and audit follow each other when only one is given")
    func flagsSetPolicy() throws {
        let defaults = try ServeCommand.parse([]).retentionSettings()
        #expect(defaults.policy == .defaults)
        #expect(defaults.interval == .seconds(60))
        let set = try ServeCommand.parse([
            "--retention-idempotency", "2d", "--retention-reservations", "7d", "--retention-events", "30d",
            "--retention-deliveries", "36h", "--retention-interval", "5s",
        ]).retentionSettings()
        #expect(set.policy.idempotencyMs == 2 * Self.day)
        #expect(set.policy.reservationsMs == 7 * Self.day)
        #expect(set.policy.eventsMs == 30 * Self.day)
        #expect(set.policy.auditMs == 30 * Self.day)
        #expect(set.policy.deliveriesMs == 36 * 3_600_000)
        #expect(set.interval == .seconds(5))
        #expect(try ServeCommand.parse(["--retention-audit", "45d"]).retentionSettings().policy.eventsMs == 45 * Self.day)
    }

    @Test("A malformed duration, a value below its minimum, or events and audit differing are usage errors naming the flag")
    func refused() {
        for (arguments, fragment) in [
            (["--retention-reservations", "1h"], "--retention-reservations 1h is below the minimum of 1d"),
            (["--retention-events", "soon"], "--retention-events 'soon'"),
            (["--retention-events", "30d", "--retention-audit", "60d"], "same retention policy as audit logs"),
        ] {
            #expect("\(arguments)") { _ = try ServeCommand.parse(arguments) } throws: { error in
                ServeCommand.message(for: error).contains(fragment)
            }
        }
    }
}
