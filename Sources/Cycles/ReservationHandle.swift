public import CyclesProtocol
import Logging

/// A live reservation with runtime-checked, once-only settlement: the `Copyable`, `Sendable` counterpart of
/// ``ReservationGuard`` for places a `~Copyable` value cannot go (collections, `Task` results, actors'
/// dictionaries).
///
/// The heartbeat runs while the reservation is unsettled. The first ``commit(actual:metrics:metadata:idempotencyKey:)``
/// or ``release(reason:idempotencyKey:)`` wins; a second one throws ``CyclesError/Kind/alreadySettled``.
/// When the last reference goes away unsettled, the reservation is released best-effort and a warning is
/// logged — except after a rejected commit (the work ran; the server's TTL reclaims the hold instead).
public final class ReservationHandle: Sendable {
    /// The server-assigned id.
    public let id: ReservationID
    /// ALLOW or ALLOW_WITH_CAPS.
    public let decision: Decision
    /// Limits that came with ALLOW_WITH_CAPS.
    public let caps: Caps?
    /// Every derived scope, root first.
    public let affectedScopes: [String]
    /// The canonical scope path of the subject.
    public let scopePath: String?
    /// The amount held.
    public let reserved: Amount?
    /// The subject as sent (configured defaults applied).
    public let subject: Subject
    /// The action as sent.
    public let action: Action
    /// The estimate as sent.
    public let estimate: Amount
    /// The create answer's headers.
    public let metadata: ResponseMetadata
    /// The trace id every request of this reservation carries.
    public let traceID: String

    let client: CyclesClient
    let lease: ReservationLease
    /// Monotonic time the create answer arrived; latency is measured from here.
    let createdAt: Duration

    init(
        client: CyclesClient, request: ReservationCreateRequest, response: CyclesResponse<ReservationCreateResponse>,
        id: ReservationID, traceID: String, createdAt: Duration
    ) {
        self.client = client
        self.id = id
        self.decision = response.decision
        self.caps = response.caps
        self.affectedScopes = response.affectedScopes
        self.scopePath = response.scopePath
        self.reserved = response.reserved
        self.subject = request.subject
        self.action = request.action
        self.estimate = request.estimate
        self.metadata = response.metadata
        self.traceID = traceID
        self.createdAt = createdAt
        self.lease = ReservationLease(id: id, expiresAtMs: response.expiresAtMs)
    }

    /// The current authoritative expiry (epoch ms), kept up to date by the heartbeat.
    public var expiresAtMs: Int64? { lease.expiresAtMs }
    /// Whether the decision was ALLOW_WITH_CAPS.
    public var isCapped: Bool { decision == .allowWithCaps }
    /// Whether a commit or release has started or finished.
    public var isSettled: Bool {
        switch lease.phase {
        case .active, .rejected: false
        case .settling, .settled: true
        }
    }

    /// Commits the actual cost, retrying ambiguous failures with the same idempotency key and falling back to
    /// `POST /v1/events` if the reservation expired (see the recovery notes on ``CyclesClient``).
    ///
    /// - Throws: ``CyclesError``: `.alreadySettled` on a second settlement; a genuine rejection as `.server`
    ///   (the reservation then stays ACTIVE on the server and may be committed again or released);
    ///   `.settlementUnresolved` when retries ran out (never released). `CancellationError` if cancelled.
    @discardableResult
    public func commit(
        actual: Amount, metrics: StandardMetrics? = nil, metadata: [String: JSONValue]? = nil,
        idempotencyKey: IdempotencyKey = .random()
    ) async throws -> CommitReceipt {
        try RequestValidator.validate(actual, field: "actual")
        guard lease.beginSettling() else { throw alreadySettled("commit") }
        lease.stopHeartbeat()
        let settlement = Settlement(
            client: client, reservationID: id, subject: subject, action: action,
            request: CommitRequest(idempotencyKey: idempotencyKey, actual: actual, metrics: metrics, metadata: metadata))
        do {
            let receipt = try await CyclesTrace.$currentTraceID.withValue(traceID) { try await settlement.run() }
            lease.finishSettling(.settled)
            return receipt
        } catch let error as CyclesError where error.kind == .server || error.kind == .validation {
            // A genuine rejection. The reservation is still ACTIVE on the server (e.g. REJECT overage), unless the
            // code says it is gone; either way it is never auto-released after this point.
            let gone: Set<ErrorCode> = [.reservationFinalized, .reservationExpired, .notFound, .tenantClosed]
            lease.finishSettling(error.code.map { gone.contains($0) } == true ? .settled : .rejected)
            throw error
        } catch {
            // Unresolved or cancelled: the outcome is unknown, so the reservation must never be released.
            lease.finishSettling(.settled)
            throw error
        }
    }

    /// Releases the whole hold back to the budget (one same-key retry on an ambiguous failure).
    @discardableResult
    public func release(reason: String? = nil, idempotencyKey: IdempotencyKey = .random()) async throws
        -> CyclesResponse<ReleaseResponse>
    {
        guard lease.beginSettling() else { throw alreadySettled("release") }
        lease.stopHeartbeat()
        let request = ReleaseRequest(idempotencyKey: idempotencyKey, reason: reason)
        do {
            let response = try await CyclesTrace.$currentTraceID.withValue(traceID) {
                try await client.releaseOnce(id, request)
            }
            lease.finishSettling(.settled)
            return response
        } catch {
            lease.finishSettling(.settled)
            throw error
        }
    }

    private func alreadySettled(_ operation: String) -> CyclesError {
        CyclesError(
            kind: .alreadySettled, message: "\(operation): reservation \(id) was already committed or released",
            reservationID: id)
    }

    deinit {
        lease.stopHeartbeat()
        guard lease.phase == .active, lease.beginSettling() else { return }
        let client = self.client
        let id = self.id
        let traceID = self.traceID
        client.logger.warning(
            "Cycles reservation dropped without commit or release; releasing it best-effort",
            metadata: ["cycles.reservation_id": "\(id)"])
        // deinit cannot await: the release is fire-and-forget. The server's TTL expiry is the backstop.
        Task {
            do {
                _ = try await CyclesTrace.$currentTraceID.withValue(traceID) {
                    try await client.releaseOnce(id, ReleaseRequest(reason: "guard_dropped"))
                }
            } catch {
                client.logger.warning(
                    "Cycles best-effort release of a dropped reservation failed; it will expire on the server",
                    metadata: ["cycles.reservation_id": "\(id)", "error": "\(error)"])
            }
        }
    }
}

extension CyclesClient {
    /// Release with one immediate same-key retry when the first answer is ambiguous.
    func releaseOnce(_ id: ReservationID, _ request: ReleaseRequest) async throws -> CyclesResponse<ReleaseResponse> {
        do {
            return try await releaseReservation(id, request)
        } catch let error as CyclesError where error.isRetryable {
            return try await releaseReservation(id, request)
        }
    }
}
