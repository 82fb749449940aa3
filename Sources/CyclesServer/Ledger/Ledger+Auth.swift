public import CyclesProtocol
import Synchronization

import Foundation

extension Ledger {
    /// Resolves an `X-Cycles-API-Key` and checks it grants `permission`: 401 when the key is missing, unknown,
    /// revoked or expired; 403 FORBIDDEN when it lacks the permission (the runtime spec has no dedicated code, so
    /// `protocol.md` §16.22's choice is followed).
    public func authenticate(apiKey: String?, requiring permission: Permission) throws(LedgerError) -> TenantIdentity {
        let entry = try authEntry(apiKey: apiKey)
        guard entry.permissions.grants(permission) else {
            throw LedgerError(
                .forbidden, "API key lacks permission '\(permission.rawValue)'", tenant: entry.tenantID)
        }
        return TenantIdentity(tenantID: entry.tenantID, namespace: entry.namespace, scopeFilter: entry.scopeFilter)
    }

    /// 403 FORBIDDEN naming the scope when `identity`'s key has a `scope_filter` that does not cover `scope` (the
    /// runtime plane's enforcement; the spec: a key's effective access is the intersection of its permissions and
    /// its scope_filter). Free for a key without a filter.
    static func requireScopeFilter(_ identity: TenantIdentity, covers scope: ScopePath) throws(LedgerError) {
        guard let filter = identity.scopeFilter, !scopeFilter(filter, permits: scope) else { return }
        throw LedgerError(
            .forbidden, "API key scope_filter does not permit scope \(scope)", tenant: identity.tenantID)
    }

    /// `GET /v1/auth/introspect` for a tenant key: its permissions, the capabilities derived from them, its tenant
    /// and scope filter; 401 for a key that does not authenticate.
    public func introspect(apiKey: String?) throws(LedgerError) -> AuthIntrospectResponse {
        let entry = try authEntry(apiKey: apiKey)
        return .tenant(entry.tenantID, permissions: entry.permissions, scopeFilter: entry.scopeFilter)
    }

    /// `POST /v1/auth/validate`: whether `secret` authenticates now, and why not. Checks, in the spec's order, that
    /// the key exists, is ACTIVE, is not past its expiry, and that its tenant is ACTIVE.
    public func validateAPIKey(_ secret: String) -> APIKeyValidationResponse {
        // An unknown key has no tenant, but the schema requires `tenant_id`: it is answered empty.
        guard let entry = apiKeys.withLock({ $0[Self.hash(secret)] }) else {
            return APIKeyValidationResponse(valid: false, tenantID: "", reason: "KEY_NOT_FOUND")
        }
        var answer = APIKeyValidationResponse(
            valid: true, tenantID: entry.tenantID, keyID: entry.keyID, permissions: entry.permissions,
            scopeFilter: entry.scopeFilter, expiresAt: entry.expiresAtMs.map(RFC3339.string))
        if !entry.active {
            answer.reason = "KEY_\(entry.status)"
        } else if let expiresAtMs = entry.expiresAtMs, now(namespace: entry.namespace) >= expiresAtMs {
            answer.reason = "KEY_EXPIRED"
        } else if let status = tenantRecord(entry.tenantID)?.status, status != "ACTIVE" {
            answer.reason = "TENANT_\(status)"
        }
        answer.valid = answer.reason == nil
        return answer
    }

    /// The public id of a key: derived from the digest of its secret, so it is stable and reveals nothing usable.
    static func keyID(digest: String) -> String {
        "key_" + digest.prefix(24)
    }

    /// The visible prefix of a secret (at most 12 characters and never more than half of it), for recognising a
    /// key in a list without exposing it.
    static func keyPrefix(of secret: String) -> String {
        String(secret.prefix(min(12, secret.count / 2)))
    }
}
