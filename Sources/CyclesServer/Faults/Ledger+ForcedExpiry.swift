public import CyclesProtocol
import GRDB

extension Ledger {
    /// Expires one ACTIVE reservation now, whatever its deadline, returning its hold to the budgets exactly as
    /// the sweeper does for a reservation past `expires_at + grace`. Unknown ids and reservations that are no
    /// longer ACTIVE are left alone (the runtime call that follows reports them as usual).
    ///
    /// Only the `expire_reservation` fault uses this: it reproduces "the reservation expired just before my
    /// commit" without moving the namespace clock, which would expire every other reservation too.
    ///
    /// `requester` is who sent the request the fault rides on: a tenant's reservation is expired only for that
    /// tenant (in its namespace) or the operator, so a rule or header can never reach across tenants.
    public func forceExpire(reservationID: ReservationID, as requester: Principal) async throws {
        try await write { db in
            guard let record = try ReservationRecord.fetch(db, id: reservationID.rawValue), record.status == .active
            else { return }
            if case .tenant(let identity) = requester,
                identity.tenantID != record.tenantID || identity.namespace != record.namespace
            {
                return
            }
            try self.expire(db, record, now: self.now(namespace: record.namespace))
        }
    }
}
