import CyclesProtocol
import Foundation

/// Provisions through our server's control API (`/__cycles`, see CONTRACTS.md): one namespace per fixture,
/// seeded with fresh tenants, keys and budgets, each namespace with its own controllable clock.
///
/// Only `POST /__cycles/namespaces`, `POST /__cycles/seed`, `PUT /__cycles/clock`, `POST /__cycles/clock/advance`
/// and `DELETE /__cycles/namespaces/{name}` are used. A clock route that answers 404 means the server has no
/// virtual clock, and clock-dependent checks are skipped with that reason.
public struct ControlAPIProvisioner: Provisioner {
    private let client: WireClient
    private let adminKey: String
    /// Whether namespaces are deleted after each check (turn off to inspect state or replay `curl`s).
    public var deletesNamespaces: Bool

    /// `control-api`.
    public var name: String { "control-api" }

    /// Creates a provisioner talking to `client`'s server with the operator key.
    public init(client: WireClient, adminKey: String, deletesNamespaces: Bool = true) {
        self.client = client
        self.adminKey = adminKey
        self.deletesNamespaces = deletesNamespaces
    }

    /// Creates a namespace and seeds the planned tenants and budgets into it.
    public func provision(_ plan: FixturePlan) async throws -> Fixture {
        let namespace = "conf-" + RandomIdentifier.hex(byteCount: 6)
        let created = try await client.send(
            .json("POST", "/__cycles/namespaces", ["name": .string(namespace)], headers: adminHeaders))
        guard created.status == 201 || created.status == 200 else {
            if created.status == 404 {
                throw CheckSkipped("the target has no control API (POST /__cycles/namespaces answered 404)")
            }
            throw ProvisioningError(step: "create namespace", exchange: created)
        }
        let actualNamespace = created.json?["namespace"]?.stringValue ?? namespace

        let (seed, tenants) = SeedPlanner.seed(for: plan)
        let seeded = try await client.send(
            .json("POST", "/__cycles/seed?namespace=\(actualNamespace)", seed, headers: adminHeaders))
        guard seeded.status == 200 || seeded.status == 201 else {
            throw ProvisioningError(step: "seed namespace \(actualNamespace)", exchange: seeded)
        }
        return Fixture(namespace: actualNamespace, tenants: tenants)
    }

    /// The namespace's virtual clock.
    public func clock(for fixture: Fixture) async throws -> any FixtureClock {
        guard let namespace = fixture.namespace else { throw CheckSkipped("fixture has no namespace") }
        return NamespaceClock(client: client, adminKey: adminKey, namespace: namespace)
    }

    /// Closes a tenant by seeding it again with `status: CLOSED`: a seed upserts existing tenants of the same
    /// namespace, and the control API has no separate tenant-lifecycle route. A server that rejects the re-seed
    /// makes the check skip rather than fail, since closing is provisioning, not the behaviour under test.
    public func closeTenant(_ tenantID: String, in fixture: Fixture) async throws {
        guard let namespace = fixture.namespace else { throw CheckSkipped("fixture has no namespace") }
        let seed: JSONValue = ["tenants": [["tenant_id": .string(tenantID), "name": .string(tenantID), "status": "CLOSED"]]]
        let answer = try await client.send(
            .json("POST", "/__cycles/seed?namespace=\(namespace)", seed, headers: adminHeaders))
        guard answer.status == 200 || answer.status == 201 else {
            throw CheckSkipped("the control API did not close the tenant by re-seeding (HTTP \(answer.status))")
        }
    }

    /// Deletes the fixture's namespace.
    public func dispose(_ fixture: Fixture) async {
        guard deletesNamespaces, let namespace = fixture.namespace else { return }
        _ = try? await client.send(
            WireRequest(method: "DELETE", path: "/__cycles/namespaces/\(namespace)", headers: adminHeaders))
    }

    private var adminHeaders: [WireHeader] { [WireHeader(CyclesHeader.adminAPIKey, adminKey)] }
}

/// The virtual clock of one namespace of our server.
struct NamespaceClock: FixtureClock {
    let client: WireClient
    let adminKey: String
    let namespace: String

    func freeze() async throws -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let answer = try await client.send(
            .json(
                "PUT", "/__cycles/clock?namespace=\(namespace)", ["mode": "frozen", "at_ms": .integer(now)],
                headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
        if answer.status == 404 {
            throw CheckSkipped("the target has no controllable clock (PUT /__cycles/clock answered 404)")
        }
        guard (200..<300).contains(answer.status) else {
            throw ProvisioningError(step: "freeze clock", exchange: answer)
        }
        return answer.json?["now_ms"]?.integerValue ?? now
    }

    func advance(byMs: Int64) async throws -> Int64 {
        let answer = try await client.send(
            .json(
                "POST", "/__cycles/clock/advance?namespace=\(namespace)", ["by_ms": .integer(byMs)],
                headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
        if answer.status == 404 {
            throw CheckSkipped("the target has no controllable clock (POST /__cycles/clock/advance answered 404)")
        }
        guard (200..<300).contains(answer.status), let now = answer.json?["now_ms"]?.integerValue else {
            throw ProvisioningError(step: "advance clock", exchange: answer)
        }
        return now
    }
}
