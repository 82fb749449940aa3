/// Used when the target offers no way to provision: every check that needs a fixture is skipped with `reason`.
public struct UnavailableProvisioner: Provisioner {
    /// Why nothing can be provisioned.
    public var reason: String

    /// `none`.
    public var name: String { "none" }

    /// Creates the provisioner with the reason to report.
    public init(reason: String = "no provisioner: pass --admin-key so the kit can create tenants and budgets") {
        self.reason = reason
    }

    /// Always skips.
    public func provision(_ plan: FixturePlan) async throws -> Fixture { throw CheckSkipped(reason) }
    /// Always skips.
    public func clock(for fixture: Fixture) async throws -> any FixtureClock { throw CheckSkipped(reason) }
    /// Always skips.
    public func closeTenant(_ tenantID: String, in fixture: Fixture) async throws { throw CheckSkipped(reason) }
    /// Nothing to do.
    public func dispose(_ fixture: Fixture) async {}
}
