public import CyclesProtocol

/// Runs `body` under a reservation: reserve `estimate` → run → commit the actual the body returns.
///
/// ```swift
/// let summary = try await withCycles(
///     client, estimate: .usdMicrocents(20_000), action: Action(kind: "llm.completion", name: "gpt-4o-mini")
/// ) { context in
///     let result = try await llm.complete(prompt, maxTokens: context.caps?.maxTokens)
///     context.metrics.tokensInput = result.promptTokens
///     return (result.text, .usdMicrocents(result.costMicrocents))
/// }
/// ```
///
/// - If the reservation is refused, the body does not run and the ``CyclesError`` is thrown.
/// - If `body` throws (or is cancelled), the reservation is released and **the body's own error is rethrown
///   unchanged**; no commit or event is made without a known actual.
/// - `latency_ms` is recorded automatically unless the body set it.
/// - Commit recovery: same-key retries, the expired-reservation event fallback, never a release after the work
///   ran (see ``ReservationGuard/commit(actual:metrics:metadata:)``).
///
/// - Parameters:
///   - client: The client.
///   - estimate: The amount to hold.
///   - action: What is paid for.
///   - subject: Who spends; unset levels come from the client's defaults.
///   - options: TTL, grace, overage policy, metadata, key.
///   - body: The guarded work; returns its value and the actual cost.
public func withCycles<T>(
    _ client: CyclesClient, estimate: Amount, action: Action, subject: Subject? = nil,
    options: ReservationOptions = ReservationOptions(), isolation: isolated (any Actor)? = #isolation,
    _ body: (CyclesContext) async throws -> (T, Amount)
) async throws -> T {
    let handle = try await client.reserveHandle(estimate: estimate, action: action, subject: subject, options: options)
    let context = CyclesContext(handle: handle)
    let value: T
    let actual: Amount
    do {
        let result = try await body(context)
        value = result.0
        actual = result.1
    } catch {
        await client.releaseAfterFailure(handle, reason: "guarded_action_failed")
        throw error
    }
    var metrics = context.metrics
    if metrics.latencyMs == nil {
        metrics.latencyMs = max(0, (client.config.clock.monotonicNow() - handle.createdAt).wholeMilliseconds)
    }
    let metadata = context.commitMetadata
    try await handle.commit(actual: actual, metrics: metrics, metadata: metadata.isEmpty ? nil : metadata)
    return value
}

/// The result of ``withCycles(_:estimate:action:subject:options:dryRun:isolation:_:)``.
public enum WithCyclesOutcome<T> {
    /// The body ran and its actual was committed.
    case completed(T)
    /// Dry run: the decision (ALLOW, ALLOW_WITH_CAPS or DENY) without running the body or holding anything.
    case dryRun(CyclesResponse<ReservationCreateResponse>)

    /// The body's value, when it ran.
    public var value: T? {
        if case .completed(let value) = self { return value }
        return nil
    }
}

extension WithCyclesOutcome: Sendable where T: Sendable {}

/// ``withCycles(_:estimate:action:subject:options:isolation:_:)`` with a dry-run switch: when `dryRun` is true the
/// body does not run and the evaluated decision is returned (a DENY is returned, not thrown).
public func withCycles<T>(
    _ client: CyclesClient, estimate: Amount, action: Action, subject: Subject? = nil,
    options: ReservationOptions = ReservationOptions(), dryRun: Bool, isolation: isolated (any Actor)? = #isolation,
    _ body: (CyclesContext) async throws -> (T, Amount)
) async throws -> WithCyclesOutcome<T> {
    if dryRun {
        return .dryRun(try await client.dryRun(estimate: estimate, action: action, subject: subject, options: options))
    }
    return .completed(
        try await withCycles(client, estimate: estimate, action: action, subject: subject, options: options, body))
}
