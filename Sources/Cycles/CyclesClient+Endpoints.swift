public import CyclesProtocol
import Foundation
import NIOHTTP1

extension CyclesClient {
    /// `POST /v1/reservations`: holds `request.estimate` against the subject's budgets (or evaluates only, on a
    /// dry run). Unset subject levels are filled from the configured defaults.
    ///
    /// A live reservation that would exceed the budget is a thrown 409 (``CyclesError/isBudgetExceeded`` …), not
    /// a DENY; a dry run answers 200 with `decision: DENY` instead.
    public func createReservation(_ request: ReservationCreateRequest) async throws -> CyclesResponse<
        ReservationCreateResponse
    > {
        var request = request
        request.subject = resolvedSubject(request.subject)
        try RequestValidator.validate(request)
        let dryRun = request.dryRun ?? false
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "reservations"], body: try HTTPTransport.encode(request),
                idempotencyKey: request.idempotencyKey, operation: "createReservation"),
            expecting: 200, as: ReservationCreateResponse.self,
            validate: { body, _ throws(CyclesError) in try ResponseValidator.create(body, dryRun: dryRun) })
    }

    /// `POST /v1/reservations/{id}/commit`: settles a reservation with the actual cost. One attempt; use the
    /// reservation helpers for same-key retries and the expired-reservation event fallback.
    public func commitReservation(_ id: ReservationID, _ request: CommitRequest) async throws -> CyclesResponse<
        CommitResponse
    > {
        try RequestValidator.validate(id)
        try RequestValidator.validate(request)
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "reservations", id.rawValue, "commit"],
                body: try HTTPTransport.encode(request), idempotencyKey: request.idempotencyKey,
                operation: "commitReservation"),
            expecting: 200, as: CommitResponse.self, validate: ResponseValidator.commit)
    }

    /// `POST /v1/reservations/{id}/release`: returns the whole hold to the budget.
    public func releaseReservation(_ id: ReservationID, _ request: ReleaseRequest = ReleaseRequest())
        async throws -> CyclesResponse<ReleaseResponse>
    {
        try RequestValidator.validate(id)
        try RequestValidator.validate(request)
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "reservations", id.rawValue, "release"],
                body: try HTTPTransport.encode(request), idempotencyKey: request.idempotencyKey,
                operation: "releaseReservation"),
            expecting: 200, as: ReleaseResponse.self, validate: ResponseValidator.release)
    }

    /// `POST /v1/reservations/{id}/extend`: moves the expiry out by `extend_by_ms` from the current expiry.
    public func extendReservation(_ id: ReservationID, _ request: ExtendRequest) async throws -> CyclesResponse<
        ExtendResponse
    > {
        try RequestValidator.validate(id)
        try RequestValidator.validate(request)
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "reservations", id.rawValue, "extend"],
                body: try HTTPTransport.encode(request), idempotencyKey: request.idempotencyKey,
                operation: "extendReservation"),
            expecting: 200, as: ExtendResponse.self, validate: ResponseValidator.extend)
    }

    /// `POST /v1/decide`: a preflight decision; nothing is held. Budget conditions answer `DENY`, not 409.
    public func decide(_ request: DecisionRequest) async throws -> CyclesResponse<DecisionResponse> {
        var request = request
        request.subject = resolvedSubject(request.subject)
        try RequestValidator.validate(request)
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "decide"], body: try HTTPTransport.encode(request),
                idempotencyKey: request.idempotencyKey, operation: "decide"),
            expecting: 200, as: DecisionResponse.self,
            validate: { body, _ throws(CyclesError) in try ResponseValidator.decision(body) })
    }

    /// `POST /v1/events`: records spend that happened without a reservation (answers 201).
    public func createEvent(_ request: EventCreateRequest) async throws -> CyclesResponse<EventCreateResponse> {
        var request = request
        request.subject = resolvedSubject(request.subject)
        try RequestValidator.validate(request)
        return try await transport.send(
            .init(
                method: .POST, pathSegments: ["v1", "events"], body: try HTTPTransport.encode(request),
                idempotencyKey: request.idempotencyKey, operation: "createEvent"),
            expecting: 201, as: EventCreateResponse.self, validate: ResponseValidator.event)
    }

    /// `GET /v1/reservations`: one page of reservations. Use ``reservations(_:)`` to iterate every page.
    public func listReservations(_ query: ReservationListQuery = ReservationListQuery()) async throws
        -> CyclesResponse<ReservationListResponse>
    {
        try query.validate()
        return try await transport.send(
            .init(
                method: .GET, pathSegments: ["v1", "reservations"], query: query.queryItems,
                operation: "listReservations"),
            expecting: 200, as: ReservationListResponse.self)
    }

    /// `GET /v1/reservations/{id}`. An expired reservation is a thrown 410 `RESERVATION_EXPIRED`.
    public func getReservation(_ id: ReservationID) async throws -> CyclesResponse<ReservationDetail> {
        try RequestValidator.validate(id)
        return try await transport.send(
            .init(method: .GET, pathSegments: ["v1", "reservations", id.rawValue], operation: "getReservation"),
            expecting: 200, as: ReservationDetail.self)
    }

    /// `GET /v1/balances`: one page of balances. When the query names no subject level, the configured subject
    /// defaults are used; with neither, the call fails validation (the server requires a filter).
    /// Use ``balances(_:)`` to iterate every page.
    public func getBalances(_ query: BalanceQuery = BalanceQuery()) async throws -> CyclesResponse<BalanceResponse> {
        var query = query
        if !query.subject.hasStandardField { query.subject = config.subjectDefaults }
        guard query.subject.hasStandardField else {
            throw CyclesError.validation(
                "getBalances needs at least one of tenant, workspace, app, workflow, agent, toolset")
        }
        try RequestValidator.validate(limit: query.limit)
        return try await transport.send(
            .init(method: .GET, pathSegments: ["v1", "balances"], query: query.queryItems, operation: "getBalances"),
            expecting: 200, as: BalanceResponse.self)
    }
}
