import CyclesProtocol
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The dashboard's mock controls (registered only under `--mock`): move the virtual clock, arm and remove fault
/// rules. Each calls what the matching `/__cycles` route calls (`Ledger.advanceClockReportingExpiries`,
/// `Ledger.setClock`, `FaultRuleStore.add` / `remove`), so the dashboard can do nothing the control API cannot.
///
/// Forms post `application/x-www-form-urlencoded`. The page's script asks for JSON (`Accept: application/json`) and
/// shows the message; a browser without script gets a 303 back to the dashboard.
extension Dashboard {
    func addControlRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("clock/advance") { request, _ in
            await self.guarded(request, session: .api) { try await self.control(request, self.advanceClock) }
        }
        group.post("clock") { request, _ in
            await self.guarded(request, session: .api) { try await self.control(request, self.setClock) }
        }
        group.post("faults") { request, _ in
            await self.guarded(request, session: .api) { try await self.control(request, self.addFault) }
        }
        group.post("faults/remove") { request, _ in
            await self.guarded(request, session: .api) { try await self.control(request, self.removeFault) }
        }
    }

    /// Reads the form, runs `action` (which answers a message) and answers it as the caller asked.
    private func control(
        _ request: Request, _ action: (QueryParameters, String) async throws -> String
    ) async throws -> Response {
        let form = try await Self.form(request)
        let namespace = form["namespace"] ?? Ledger.defaultNamespace
        try MockControlRoutes.validateNamespaceName(namespace)
        let message: String
        do {
            message = try await action(form, namespace)
        } catch let error as FaultSpecificationError {
            throw LedgerError.invalid(error.message)
        } catch let error as DecodingError {
            throw LedgerError.invalid(MockControlRoutes.describe(error))
        }
        if request.headers[.accept]?.contains("application/json") == true {
            return Self.json(ControlAnswer(message: message))
        }
        return Self.redirect(to: "\(Self.pathPrefix)?namespace=\(PercentEncoding.encode(namespace))")
    }

    private func advanceClock(_ form: QueryParameters, namespace: String) async throws -> String {
        guard let text = form["seconds"], let seconds = Int64(text), seconds >= 0 else {
            throw LedgerError.invalid("seconds must be a whole number of seconds, 0 or more")
        }
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw LedgerError.invalid("seconds is too large") }
        let advanced = try await ledger.advanceClockReportingExpiries(namespace: namespace, byMs: milliseconds)
        let expired = advanced.expired.count
        return "Clock moved forward \(DashboardFormat.duration(milliseconds)); "
            + (expired == 0 ? "nothing expired." : "\(expired) reservation\(expired == 1 ? "" : "s") expired.")
    }

    private func setClock(_ form: QueryParameters, namespace: String) async throws -> String {
        switch form["mode"] {
        case "frozen":
            let now = ledger.now(namespace: namespace)
            try await ledger.setClock(namespace: namespace, mode: .frozen(atMs: now))
            return "Clock frozen at \(DashboardView.dateTime(now))."
        case "real":
            try await ledger.setClock(namespace: namespace, mode: .real)
            return "Clock back on real time."
        default:
            throw LedgerError.invalid("mode must be frozen or real")
        }
    }

    private func addFault(_ form: QueryParameters, namespace: String) async throws -> String {
        guard let controls, let text = form["rule"] else { throw LedgerError.invalid("rule is required (JSON)") }
        let rule = try CyclesJSON.decode(FaultRule.self, from: Data(text.utf8))
        let added = try controls.faults.add(rule)
        return "Armed \(added.id ?? "the rule")."
    }

    private func removeFault(_ form: QueryParameters, namespace: String) async throws -> String {
        guard let controls, let id = form["id"] else { throw LedgerError.invalid("id is required") }
        guard controls.faults.remove(id: id) else { throw LedgerError.notFound("No fault rule '\(id)'") }
        return "Removed \(id)."
    }
}
