public import CyclesProtocol
import Synchronization

/// A reservation for a token stream: usage accumulates while chunks arrive, ``finish(actual:metadata:)``
/// commits it, ``abort(reason:)`` releases it. Exactly one of them takes effect, even when called concurrently
/// (for example a finishing producer racing a cancelled consumer); the loser gets
/// ``CyclesError/Kind/alreadySettled``.
///
/// Prefer ``CyclesClient/withStreamReservation(estimate:action:subject:options:costFunction:isolation:_:)``,
/// which finishes on return and aborts on error or cancellation.
public final class StreamReservation: Sendable {
    /// Turns the accumulated usage into the actual cost.
    public typealias CostFunction = @Sendable (StreamUsage) -> Amount

    let handle: ReservationHandle
    private let costFunction: CostFunction?
    private let usageState = Mutex(StreamUsage())

    init(handle: ReservationHandle, costFunction: CostFunction?) {
        self.handle = handle
        self.costFunction = costFunction
    }

    /// The reservation id.
    public var reservationID: ReservationID { handle.id }
    /// ALLOW or ALLOW_WITH_CAPS.
    public var decision: Decision { handle.decision }
    /// Limits that came with ALLOW_WITH_CAPS (e.g. `maxTokens` for the stream).
    public var caps: Caps? { handle.caps }
    /// The current authoritative expiry (epoch ms).
    public var expiresAtMs: Int64? { handle.expiresAtMs }
    /// Whether the stream was already finished or aborted.
    public var isFinalized: Bool { handle.isSettled }
    /// The usage so far.
    public var usage: StreamUsage { usageState.withLock { $0 } }

    /// Adds prompt tokens (saturating; usage never wraps).
    public func addInputTokens(_ count: Int64) {
        usageState.withLock { $0.tokensInput = $0.tokensInput.saturatingAdd(max(0, count)) }
    }

    /// Adds completion tokens (saturating).
    public func addOutputTokens(_ count: Int64) {
        usageState.withLock { $0.tokensOutput = $0.tokensOutput.saturatingAdd(max(0, count)) }
    }

    /// Sets the actual cost explicitly.
    public func setActualCost(_ amount: Amount) { usageState.withLock { $0.actualCost = amount } }

    /// Records the model version.
    public func setModelVersion(_ version: String) { usageState.withLock { $0.modelVersion = version } }

    /// Commits the stream's cost: `actual` if given, else the explicit actual cost, else the cost function
    /// applied to the usage. With none of them the actual is unknown: nothing is committed, a validation error
    /// is thrown and the reservation stays open (abort it, or finish again with an actual).
    @discardableResult
    public func finish(actual: Amount? = nil, metadata: [String: JSONValue]? = nil) async throws -> CommitReceipt {
        let usage = self.usage
        guard let amount = actual ?? usage.actualCost ?? costFunction?(usage) else {
            throw CyclesError.validation(
                "stream finished without a known actual: pass actual:, call setActualCost, or give a cost function",
                reservationID: handle.id)
        }
        var metrics = usage.metrics
        metrics.latencyMs = max(0, (handle.client.config.clock.monotonicNow() - handle.createdAt).wholeMilliseconds)
        return try await handle.commit(actual: amount, metrics: metrics, metadata: metadata)
    }

    /// Releases the reservation (the stream failed or was cancelled before a cost was known).
    @discardableResult
    public func abort(reason: String = "stream_aborted") async throws -> CyclesResponse<ReleaseResponse> {
        try await handle.release(reason: reason)
    }
}

extension CyclesClient {
    /// Reserves for a token stream. Finish or abort the returned reservation exactly once.
    public func reserveStream(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions(),
        costFunction: StreamReservation.CostFunction? = nil
    ) async throws -> StreamReservation {
        StreamReservation(
            handle: try await reserveHandle(estimate: estimate, action: action, subject: subject, options: options),
            costFunction: costFunction)
    }

    /// Reserves for a stream, runs `body`, and commits the accumulated usage when it returns. If `body` throws
    /// or the task is cancelled, the reservation is released (reason `stream_failed` / `stream_cancelled`) and
    /// the body's error is rethrown unchanged. If `body` already finished or aborted the stream, that stands.
    public func withStreamReservation<T>(
        estimate: Amount, action: Action, subject: Subject? = nil, options: ReservationOptions = ReservationOptions(),
        costFunction: StreamReservation.CostFunction? = nil, isolation: isolated (any Actor)? = #isolation,
        _ body: (StreamReservation) async throws -> T
    ) async throws -> T {
        let stream = try await reserveStream(
            estimate: estimate, action: action, subject: subject, options: options, costFunction: costFunction)
        let value: T
        do {
            value = try await body(stream)
        } catch {
            let reason = (error is CancellationError || Task.isCancelled) ? "stream_cancelled" : "stream_failed"
            await releaseAfterFailure(stream.handle, reason: reason)
            throw error
        }
        if Task.isCancelled && !stream.isFinalized {
            await releaseAfterFailure(stream.handle, reason: "stream_cancelled")
            throw CancellationError()
        }
        if !stream.isFinalized {
            try await stream.finish()
        }
        return value
    }
}
