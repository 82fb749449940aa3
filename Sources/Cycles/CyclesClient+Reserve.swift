public import CyclesProtocol
import Logging

extension CyclesClient {
    /// Reserves `estimate` and returns a ``ReservationGuard`` that must be committed or released exactly once
    /// (the compiler enforces it). The guard's heartbeat keeps the lease alive meanwhile.
    ///
    /// ```swift
    /// let reservation = try await client.reserve(
    ///     estimate: .usdMicrocents(50_000), action: Action(kind: "llm.completion", name: "gpt-4o"))
    /// let answer = try await callModel(maxTokens: reservation.caps?.maxTokens)
    /// try await reservation.commit(actual: .usdMicrocents(answer.cost))
    /// ```
    ///
    /// - Parameters:
    ///   - estimate: The amount to hold.
    ///   - action: What is paid for.
    ///   - subject: Who spends; unset levels come from ``CyclesConfig/subjectDefaults``.
    ///   - options: TTL, grace, overage policy, metadata, key.
    /// - Throws: ``CyclesError`` — a 409 budget rejection (`.server`, e.g. ``CyclesError/isBudgetExceeded``),
    ///   a `.denied` decision, validation or transport failures.
    public func reserve(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions()
    ) async throws -> ReservationGuard {
        ReservationGuard(
            handle: try await openReservation(
                options.request(estimate: estimate, action: action, subject: subject ?? Subject())))
    }

    /// Reserves with a complete request (its key, TTL and policy are used as given; `dry_run` must not be set).
    public func reserve(_ request: ReservationCreateRequest) async throws -> ReservationGuard {
        ReservationGuard(handle: try await openReservation(request))
    }

    /// Reserves and returns the runtime-checked ``ReservationHandle`` instead of a guard.
    public func reserveHandle(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions()
    ) async throws -> ReservationHandle {
        try await openReservation(options.request(estimate: estimate, action: action, subject: subject ?? Subject()))
    }

    /// The closure-scoped form: reserves, runs `body` with the handle, and makes sure the reservation does not
    /// outlive the closure. If `body` settles the handle, that settlement stands. If `body` throws without
    /// settling, the reservation is released and the body's error is rethrown unchanged. If `body` returns
    /// without settling, the reservation is released and a warning is logged.
    public func withReservation<T>(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions(),
        isolation: isolated (any Actor)? = #isolation, _ body: (ReservationHandle) async throws -> T
    ) async throws -> T {
        let handle = try await reserveHandle(estimate: estimate, action: action, subject: subject, options: options)
        let value: T
        do {
            value = try await body(handle)
        } catch {
            await releaseAfterFailure(handle, reason: "guarded_action_failed")
            throw error
        }
        if !handle.isSettled && handle.lease.phase == .active {
            logger.warning(
                "Cycles withReservation body returned without commit or release; releasing",
                metadata: ["cycles.reservation_id": "\(handle.id)"])
            await releaseAfterFailure(handle, reason: "unsettled_at_scope_exit")
        }
        return value
    }

    /// Evaluates a reservation without holding anything (`dry_run: true`): the decision, caps, reason code,
    /// affected scopes and (usually) balances. A DENY is returned, not thrown.
    public func dryRun(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions()
    ) async throws -> CyclesResponse<ReservationCreateResponse> {
        try await createReservation(
            options.request(estimate: estimate, action: action, subject: subject ?? Subject(), dryRun: true))
    }

    /// Creates a live reservation and starts its heartbeat.
    ///
    /// After a timeout, connection error, 5xx or ambiguous 2xx, one immediate retry with the same key is made
    /// (the spec's create recovery); a replay returns the original reservation, so nothing is held twice.
    func openReservation(_ request: ReservationCreateRequest) async throws -> ReservationHandle {
        var request = request
        // The one place a live reserve's subject gets the configured defaults (the public entry points pass it as given).
        request.subject = resolvedSubject(request.subject)
        guard request.dryRun != true else {
            throw CyclesError.validation("reserve() makes live reservations; use dryRun(…) to evaluate only")
        }
        if request.ttlMs == nil { request.ttlMs = ProtocolLimits.defaultTTLMs }
        let traceID = CyclesTrace.currentTraceID ?? RandomIdentifier.hex(byteCount: 16)
        let clock = config.clock
        var sentAt = clock.monotonicNow()
        let response: CyclesResponse<ReservationCreateResponse>
        do {
            response = try await CyclesTrace.$currentTraceID.withValue(traceID) {
                do {
                    return try await createReservation(request)
                } catch let error as CyclesError where error.isRetryable && !error.isRateLimited {
                    logger.warning(
                        "Cycles reservation answer was ambiguous; retrying once with the same idempotency key",
                        metadata: ["cycles.idempotency_key": "\(request.idempotencyKey)", "error": "\(error)"])
                    sentAt = clock.monotonicNow()
                    return try await createReservation(request)
                }
            }
        }
        let receivedAt = clock.monotonicNow()
        guard response.decision.isAllowed, let id = response.reservationID else {
            throw CyclesError(
                kind: .denied, httpStatus: response.metadata.httpStatus, reasonCode: response.reasonCode,
                message: "reservation denied\(response.reasonCode.map { ": \($0)" } ?? "")",
                requestID: response.metadata.requestID, traceID: response.metadata.traceID,
                retryAfter: response.retryAfterMs.map { .milliseconds($0) })
        }
        let handle = ReservationHandle(
            client: self, request: request, response: response, id: id, traceID: traceID, createdAt: receivedAt)
        var reservationLogger = logger
        reservationLogger[metadataKey: "cycles.reservation_id"] = "\(id)"
        reservationLogger.debug("Cycles reservation created", metadata: ["cycles.decision": "\(response.decision)"])
        if config.heartbeatEnabled {
            Heartbeat.start(
                client: self, lease: handle.lease, ttlMs: request.ttlMs ?? ProtocolLimits.defaultTTLMs,
                traceID: traceID, remainingTTLMs: response.remainingTTLMs,
                rttMs: (receivedAt - sentAt).wholeMilliseconds, receivedAtMs: receivedAt.wholeMilliseconds)
        }
        return handle
    }

    /// Releases a reservation whose work failed or was abandoned, even if the calling task was cancelled
    /// (the release runs in its own task). Failures are logged, never thrown: the caller's error matters more.
    func releaseAfterFailure(_ handle: ReservationHandle, reason: String) async {
        guard !handle.isSettled, handle.lease.phase == .active else { return }
        let logger = self.logger
        await Task {
            do {
                try await handle.release(reason: reason)
            } catch {
                logger.warning(
                    "Cycles release after a failed action did not succeed; the reservation will expire on the server",
                    metadata: ["cycles.reservation_id": "\(handle.id)", "error": "\(error)"])
            }
        }.value
    }
}
