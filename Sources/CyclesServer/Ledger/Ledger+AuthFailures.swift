public import CyclesProtocol
import Synchronization

/// `api_key.auth_failed`: a presented tenant key that did not authenticate.
extension Ledger {
    /// Appends `api_key.auth_failed` for `apiKey` when it does not authenticate now: `key_not_found` (tenant
    /// `__system__`, as nothing ties an unknown key to a tenant), `key_revoked` or `key_expired` (the key's tenant).
    /// Only the key id is recorded, never the presented secret. A failed authentication changes nothing, so this
    /// is a transaction of its own; a failure to record it is ignored (the 401 is answered either way).
    public func recordAuthFailure(apiKey: String) async {
        guard !apiKey.isEmpty else { return }
        let entry = apiKeys.withLock { $0[Self.hash(apiKey)] }
        let reason: String
        if let entry {
            if !entry.active {
                reason = entry.status == "EXPIRED" ? "key_expired" : "key_revoked"
            } else if let expiresAtMs = entry.expiresAtMs, now(namespace: entry.namespace) >= expiresAtMs {
                reason = "key_expired"
            } else {
                return  // it authenticates: the 401 had another cause
            }
        } else {
            reason = "key_not_found"
        }
        let context = EventContext.currentOrInternal()
        let tenantID = entry?.tenantID ?? ProtocolEvent.systemTenant
        let now = now(namespace: entry?.namespace ?? Self.defaultNamespace)
        let data = EventDataApiKey(
            keyID: entry?.keyID, previousStatus: nil, newStatus: nil,
            permissions: entry?.permissions, failureReason: reason)
        _ = try? await write { db in
            try self.appendEvent(
                db, .apiKeyAuthFailed, tenantID: tenantID, actor: ProtocolEvent.Actor(type: "api_key", keyID: entry?.keyID),
                data: data, context: context, now: now)
        }
    }
}
