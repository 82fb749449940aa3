import CyclesProtocol
import Testing

/// The `Permission` enum's normative wildcard semantics and the introspection capability table.
struct PermissionTests {
    @Test("admin:write satisfies every *:write, admin:read every *:read, and admin:read never a write")
    func wildcards() {
        let writes = Permission.knownValues.filter { $0.rawValue.hasSuffix(":write") }
        let reads = Permission.knownValues.filter { $0.rawValue.hasSuffix(":read") }
        #expect(writes.count == 9 && reads.count == 13)
        for permission in writes {
            #expect(Permission.adminWrite.satisfies(permission), "\(permission)")
            #expect(!Permission.adminRead.satisfies(permission), "\(permission)")
        }
        for permission in reads {
            #expect(Permission.adminRead.satisfies(permission), "\(permission)")
            #expect(!Permission.adminWrite.satisfies(permission), "\(permission)")
        }
        #expect(!Permission.adminWrite.satisfies(.reservationsCreate))
        #expect(!Permission.budgetsWrite.satisfies(.policiesWrite))
        #expect([Permission.balancesRead].grants(.balancesRead))
        #expect(![Permission.balancesRead].grants(.reservationsList))
    }

    /// The spec's derivation table: flag → the permissions that turn it on.
    static var table: [(flag: KeyPath<AuthIntrospectResponse.Capabilities, Bool>, name: String, grantedBy: [Permission])] { [
        (\.viewBudgets, "view_budgets", [.budgetsRead, .adminRead, .adminBudgetsRead]),
        (\.viewPolicies, "view_policies", [.policiesRead, .adminRead, .adminPoliciesRead]),
        (\.viewWebhooks, "view_webhooks", [.webhooksRead, .adminRead, .adminWebhooksRead]),
        (\.viewEvents, "view_events", [.eventsRead, .adminRead, .adminEventsRead]),
        (\.viewReservations, "view_reservations", [
            .reservationsList, .reservationsCreate, .reservationsCommit, .reservationsRelease, .reservationsExtend,
            .adminRead,
        ]),
        (\.manageBudgets, "manage_budgets", [.budgetsWrite, .adminWrite, .adminBudgetsWrite]),
        (\.managePolicies, "manage_policies", [.policiesWrite, .adminWrite, .adminPoliciesWrite]),
        (\.manageWebhooks, "manage_webhooks", [.webhooksWrite, .adminWrite, .adminWebhooksWrite]),
        (\.manageReservations, "manage_reservations", [
            .reservationsCreate, .reservationsCommit, .reservationsRelease, .reservationsExtend, .adminWrite,
        ]),
        (\.viewOverview, "view_overview", []), (\.viewAudit, "view_audit", []), (\.viewTenants, "view_tenants", []),
        (\.viewAPIKeys, "view_api_keys", []), (\.manageTenants, "manage_tenants", []),
        (\.manageAPIKeys, "manage_api_keys", []),
    ] }

    @Test("Each capability is true under tenant auth exactly when a single permission of its table row is held")
    func capabilityTable() {
        for permission in Permission.knownValues {
            let capabilities = AuthIntrospectResponse.Capabilities(tenantPermissions: [permission])
            for row in Self.table {
                #expect(capabilities[keyPath: row.flag] == row.grantedBy.contains(permission), "\(row.name) \(permission)")
            }
        }
        let everything = AuthIntrospectResponse.Capabilities(tenantPermissions: Permission.knownValues)
        for row in Self.table { #expect(everything[keyPath: row.flag] == !row.grantedBy.isEmpty, "\(row.name)") }
        #expect(AuthIntrospectResponse.Capabilities(tenantPermissions: []) == .init(
            viewOverview: false, viewBudgets: false, viewEvents: false, viewWebhooks: false, viewAudit: false,
            viewTenants: false, viewAPIKeys: false, viewPolicies: false, viewReservations: false,
            manageBudgets: false, managePolicies: false, manageWebhooks: false, manageTenants: false,
            manageAPIKeys: false, manageReservations: false))
    }
}
