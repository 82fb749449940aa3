/// Creates the tenants, keys and budgets checks need on a server the kit does not own.
///
/// Implementations: ``ControlAPIProvisioner`` (our server's `/__cycles` control API), ``AdminAPIProvisioner``
/// (the reference governance admin API) and ``UnavailableProvisioner`` (nothing: fixture checks are skipped).
/// Methods throw ``CheckSkipped`` for what the target cannot do, so the check is reported as skipped with why.
public protocol Provisioner: Sendable {
    /// A short name for reports (`control-api`, `admin-api`, `none`, …).
    var name: String { get }
    /// Creates fresh tenants and budgets as planned.
    func provision(_ plan: FixturePlan) async throws -> Fixture
    /// The controllable clock of `fixture`, or throws ``CheckSkipped`` when the target has none.
    func clock(for fixture: Fixture) async throws -> any FixtureClock
    /// Closes a tenant of `fixture` (status CLOSED), or throws ``CheckSkipped``.
    func closeTenant(_ tenantID: String, in fixture: Fixture) async throws
    /// Cleans up after the check (best effort; errors are ignored).
    func dispose(_ fixture: Fixture) async
}
