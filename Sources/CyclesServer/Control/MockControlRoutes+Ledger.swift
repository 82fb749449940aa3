import CyclesProtocol

/// The few places the control routes read ledger types directly.
extension MockControlRoutes {
    /// The clock answer for a namespace.
    func clockBody(namespace: String) async throws -> ClockBody {
        ClockBody(ledger.clock(namespace: namespace))
    }

    /// Maps any other failure to the control API's answer (`LedgerError`s are answered as they are).
    static func classify(_ error: any Error) -> LedgerError {
        if let error = error as? SeedError { return .invalid(error.description) }
        return LedgerError(.internalError, "Control operation failed: \(error)", httpStatus: 500)
    }
}

extension MockLedgerHooks {
    /// Hooks backed by a ledger: API keys resolve through its key table, the mock machinery is active only
    /// while an admin key is configured (the control plane needs one to be reachable at all), forced expiry checks
    /// ownership in the ledger, and injected errors get the ledger's request ids.
    public init(ledger: Ledger) {
        self.init(
            resolveAPIKey: { apiKey in
                guard let identity = try? ledger.authenticate(apiKey: apiKey) else { return nil }
                return (identity.tenantID, identity.namespace)
            },
            expireReservation: { reservationID, requester in
                try await ledger.forceExpire(reservationID: ReservationID(reservationID), as: requester)
            },
            isAdminKey: { ledger.isAdminKey($0) },
            controlPlaneEnabled: { ledger.hasAdminKey },
            makeRequestID: { ledger.makeRequestID() })
    }
}
