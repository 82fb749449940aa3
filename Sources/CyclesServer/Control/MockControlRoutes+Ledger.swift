import CyclesProtocol

/// The few places the control routes read ledger types directly.
extension MockControlRoutes {
    /// The clock answer for a namespace.
    func clockBody(namespace: String) async throws -> ClockBody {
        let clock = ledger.clock(namespace: namespace)
        switch clock.mode {
        case .real: return ClockBody(mode: "real", nowMs: clock.nowMs)
        case .frozen(let atMs): return ClockBody(mode: "frozen", atMs: atMs, nowMs: clock.nowMs)
        case .offset(let ms): return ClockBody(mode: "offset", offsetMs: ms, nowMs: clock.nowMs)
        }
    }

    /// Ids of the namespace's ACTIVE reservations.
    func activeReservationIDs(namespace: String) async throws -> Set<String> {
        let state = try await ledger.state(namespace: namespace)
        return Set(state.reservations.filter { $0.status == .active }.map(\.reservationID.rawValue))
    }

    /// Which of `candidates` are now EXPIRED.
    func expiredReservationIDs(namespace: String, among candidates: Set<String>) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        let state = try await ledger.state(namespace: namespace)
        return state.reservations.filter { $0.status == .expired && candidates.contains($0.reservationID.rawValue) }
            .map(\.reservationID.rawValue)
    }

    /// Maps an engine error to the control API's answer.
    static func classify(_ error: any Error) -> ControlAPIError {
        if let error = error as? LedgerError {
            return ControlAPIError(status: error.httpStatus, code: error.code, message: error.message)
        }
        if let error = error as? SeedError {
            return .invalidRequest(error.description)
        }
        return ControlAPIError(status: 500, code: .internalError, message: "Control operation failed: \(error)")
    }
}

extension MockLedgerHooks {
    /// Hooks backed by a ledger.
    public init(ledger: Ledger) {
        self.init(
            resolveAPIKey: { apiKey in
                guard let identity = try? ledger.authenticate(apiKey: apiKey) else { return nil }
                return (identity.tenantID, identity.namespace)
            },
            expireReservation: { reservationID, _ in
                try await ledger.forceExpire(reservationID: ReservationID(reservationID))
            })
    }
}
