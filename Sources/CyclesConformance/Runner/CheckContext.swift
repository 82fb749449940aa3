import CyclesProtocol

/// What a running check uses: the wire client, its own fresh fixtures, the run options and an evidence log.
public final class CheckContext: Sendable {
    /// The check being run.
    public let descriptor: CheckDescriptor
    /// Sends raw requests to the target.
    public let client: WireClient
    /// Creates fixtures.
    public let provisioner: any Provisioner
    /// Run-wide settings.
    public let options: RunOptions
    let log = ExchangeLog()

    /// Creates a context (the runner does this for each check).
    public init(descriptor: CheckDescriptor, client: WireClient, provisioner: any Provisioner, options: RunOptions) {
        self.descriptor = descriptor
        self.client = client
        self.provisioner = provisioner
        self.options = options
    }

    /// Provisions fresh tenants and budgets for this check only.
    public func fixture(_ plan: FixturePlan = .single()) async throws -> Fixture {
        let fixture = try await provisioner.provision(plan)
        await log.remember(fixture)
        let tenants = fixture.tenants.map { "\($0.tenantID) [\($0.budgetScopes.joined(separator: ", "))]" }
        await log.note("fixture: \(tenants.joined(separator: "; "))" + (fixture.namespace.map { " in namespace \($0)" } ?? ""))
        return fixture
    }

    /// Sends `request` and records the exchange as evidence. A transport failure fails the check.
    public func send(_ request: WireRequest) async throws -> WireExchange {
        do {
            let exchange = try await client.send(request)
            await log.record(exchange)
            return exchange
        } catch let error as CheckSkipped {
            throw error
        } catch {
            throw CheckFailure(
                "transport error on \(request.method) \(request.path): \(error)",
                expected: "an HTTP response")
        }
    }

    /// Adds a line to the check's evidence.
    public func note(_ text: String) async { await log.note(text) }

    /// Skips the check with `reason`.
    public func skip(_ reason: String) -> CheckSkipped { CheckSkipped(reason) }

    /// The operator key, or a skip when the run has none.
    public func requireAdminKey() throws -> String {
        guard let key = options.adminKey else { throw CheckSkipped("no admin key (--admin-key) for this target") }
        return key
    }
}
