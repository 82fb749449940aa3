import CyclesProtocol

/// Trace propagation: every request carries a W3C `traceparent` whose trace id comes from here.
///
/// Run work inside ``withTraceID(_:operation:)`` to put the client's requests under your trace; otherwise each
/// low-level call gets a fresh trace id, and each reservation helper uses one trace id for its whole lifecycle
/// (reserve, heartbeat, commit or release). The server's answer carries the trace id back in
/// ``ResponseMetadata/traceID`` and ``CyclesError/traceID``.
public enum CyclesTrace {
    @TaskLocal static var currentTraceID: String?

    /// The trace id requests made by the current task will carry, if one was set.
    public static var traceID: String? { currentTraceID }

    /// Runs `operation` with every Cycles request carrying `traceID` (32 lowercase hex digits, not all zero;
    /// an invalid id is replaced by a fresh one).
    public static func withTraceID<T>(
        _ traceID: String, isolation: isolated (any Actor)? = #isolation, operation: () async throws -> T
    ) async rethrows -> T {
        let valid = TraceContext.validTraceID(traceID) ?? RandomIdentifier.hex(byteCount: 16)
        return try await $currentTraceID.withValue(valid, operation: operation, isolation: isolation)
    }

    /// Runs `operation` under the trace id of a W3C `traceparent` header (a fresh id if it is invalid).
    public static func withTraceparent<T>(
        _ traceparent: String, isolation: isolated (any Actor)? = #isolation, operation: () async throws -> T
    ) async rethrows -> T {
        let id = TraceContext.traceID(fromTraceparent: traceparent) ?? RandomIdentifier.hex(byteCount: 16)
        return try await $currentTraceID.withValue(id, operation: operation, isolation: isolation)
    }
}
