/// Ranges and defaults the spec sets on request fields (v0.1.25).
public enum ProtocolLimits {
    /// The protocol version this package implements.
    public static let protocolVersion = "0.1.25"
    /// Allowed `ttl_ms`.
    public static let ttlMs: ClosedRange<Int64> = 1_000...86_400_000
    /// `ttl_ms` when the request omits it.
    public static let defaultTTLMs: Int64 = 60_000
    /// Allowed `grace_period_ms`.
    public static let gracePeriodMs: ClosedRange<Int64> = 0...60_000
    /// `grace_period_ms` when the request omits it.
    public static let defaultGracePeriodMs: Int64 = 5_000
    /// Allowed `extend_by_ms`.
    public static let extendByMs: ClosedRange<Int64> = 1...86_400_000
    /// Allowed page `limit`.
    public static let pageLimit: ClosedRange<Int> = 1...200
    /// Page size when `limit` is omitted.
    public static let defaultPageLimit = 50
    /// Extensions allowed per reservation unless the tenant says otherwise.
    public static let defaultMaxExtensions = 10
    /// Longest idempotency key.
    public static let idempotencyKeyMaxLength = 256
    /// Longest subject level value.
    public static let subjectFieldMaxLength = 128
    /// Most subject dimensions.
    public static let dimensionsMaxCount = 16
    /// Longest dimension value.
    public static let dimensionValueMaxLength = 256
    /// Longest `action.kind`.
    public static let actionKindMaxLength = 64
    /// Longest `action.name`.
    public static let actionNameMaxLength = 256
    /// Most `action.tags`.
    public static let actionTagsMaxCount = 10
    /// Longest tag.
    public static let actionTagMaxLength = 64
    /// Longest release `reason`.
    public static let releaseReasonMaxLength = 256
    /// Longest `model_version`.
    public static let modelVersionMaxLength = 128
    /// Longest reservation id in a path.
    public static let reservationIDMaxLength = 128
}
