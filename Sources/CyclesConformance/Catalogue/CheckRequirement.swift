/// Something a check needs from the provisioner or the run; without it the check is skipped with a reason.
public enum CheckRequirement: String, Codable, Sendable, CaseIterable {
    /// Fresh tenants, keys and budgets (every check that touches a ledger).
    case fixtures
    /// A controllable per-fixture clock (freeze / advance), or permission to wait in real time.
    case clock
    /// Budgets created FROZEN or CLOSED.
    case budgetStatus = "budget_status"
    /// Budgets seeded with debt (ledger state the runtime API cannot reach on its own).
    case seededDebt = "seeded_debt"
    /// Closing a tenant after it was provisioned.
    case tenantLifecycle = "tenant_lifecycle"
    /// The operator key (`X-Admin-API-Key`).
    case adminKey = "admin_key"
    /// The reference admin operations a check drives itself (`POST`/`DELETE /v1/admin/api-keys`,
    /// `PATCH /v1/admin/tenants/{id}`); a target that does not serve one skips the check with that reason.
    case adminAPI = "admin_api"
    /// The Swift `Cycles` client (client mode).
    case client
}
