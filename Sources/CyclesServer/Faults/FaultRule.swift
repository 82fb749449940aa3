public import CyclesProtocol

/// A scripted fault: which runtime requests it matches, what it does to them and how often.
///
/// JSON (snake_case), as posted to `POST /__cycles/faults`:
/// `{"match":{"operation":"commit","nth":2},"effect":{"type":"drop_response"},"times":1,"probability":0.5,"seed":7}`.
/// The server fills in `id`, `matched` and `applied`.
public struct FaultRule: Codable, Sendable, Hashable, Identifiable {
    /// Assigned by the server (`fault-1`, `fault-2`, …); ignored on input.
    public var id: String?
    /// Which requests the rule applies to.
    public var match: FaultMatch
    /// What it does to them.
    public var effect: FaultEffect
    /// How many times it fires (default once).
    public var times: FaultRepetition
    /// Chance (0…1) that an eligible call is hit; `nil` means always.
    public var probability: Double?
    /// Seed for the probability draw, so a run is reproducible; `nil` uses the rule's position.
    public var seed: UInt64?
    /// How many requests matched so far (reported by the server).
    public var matched: Int?
    /// How many times the effect was applied so far (reported by the server).
    public var applied: Int?

    /// Creates a rule.
    public init(
        match: FaultMatch = FaultMatch(), effect: FaultEffect, times: FaultRepetition = .once,
        probability: Double? = nil, seed: UInt64? = nil
    ) {
        self.match = match
        self.effect = effect
        self.times = times
        self.probability = probability
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case id, match, effect, times, probability, seed, matched, applied
    }

    /// Decodes a rule; `match` and `times` may be omitted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        match = try container.decodeIfPresent(FaultMatch.self, forKey: .match) ?? FaultMatch()
        effect = try container.decode(FaultEffect.self, forKey: .effect)
        times = try container.decodeIfPresent(FaultRepetition.self, forKey: .times) ?? .once
        probability = try container.decodeIfPresent(Double.self, forKey: .probability)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        matched = try container.decodeIfPresent(Int.self, forKey: .matched)
        applied = try container.decodeIfPresent(Int.self, forKey: .applied)
    }

    /// Whether the rule has fired as often as `times` allows.
    public var isSpent: Bool {
        if case .times(let count) = times { return (applied ?? 0) >= count }
        return false
    }

    /// Checks the values a client can get wrong; the message names the field.
    func validate() throws(FaultSpecificationError) {
        try effect.validate()
        if let nth = match.nth, nth < 1 { throw FaultSpecificationError("match.nth must be at least 1, got \(nth)") }
        if let probability, !(0...1).contains(probability) {
            throw FaultSpecificationError("probability must be between 0 and 1, got \(probability)")
        }
        if case .expireReservation = effect, let operation = match.operation,
            ![.commit, .release, .extend, .getReservation].contains(operation)
        {
            throw FaultSpecificationError("expire_reservation needs an operation on a reservation, got \(operation)")
        }
    }
}

// MARK: - Convenience constructors

extension FaultRule {
    /// Lose the answer to the next matching call after applying it (the "did my commit land?" case).
    public static func dropResponse(on operation: RuntimeOperation? = nil, times: FaultRepetition = .once) -> FaultRule {
        FaultRule(match: FaultMatch(operation: operation), effect: .dropResponse, times: times)
    }

    /// Close the connection before the next matching call is applied.
    public static func dropConnection(on operation: RuntimeOperation? = nil, times: FaultRepetition = .once)
        -> FaultRule
    {
        FaultRule(match: FaultMatch(operation: operation), effect: .dropConnection, times: times)
    }

    /// Answer matching calls with `status` and a protocol error body instead of applying them.
    public static func error(
        _ status: Int, code: ErrorCode? = nil, on operation: RuntimeOperation? = nil,
        retryAfterSeconds: Int64? = nil, times: FaultRepetition = .once
    ) -> FaultRule {
        let resolved = code ?? FaultEffect.defaultErrorCode(forStatus: status)
        return FaultRule(
            match: FaultMatch(operation: operation),
            effect: .error(
                status: status, code: resolved ?? .internalError, message: nil, retryAfterSeconds: retryAfterSeconds),
            times: times)
    }

    /// Delay matching calls by `milliseconds`.
    public static func latency(_ milliseconds: Int64, on operation: RuntimeOperation? = nil,
        times: FaultRepetition = .once) -> FaultRule
    {
        FaultRule(match: FaultMatch(operation: operation), effect: .latency(milliseconds: milliseconds), times: times)
    }

    /// Apply matching calls, then answer with a broken 2xx.
    public static func nonConformant(
        _ variant: FaultEffect.NonConformance, on operation: RuntimeOperation? = nil, times: FaultRepetition = .once
    ) -> FaultRule {
        FaultRule(match: FaultMatch(operation: operation), effect: .nonConformant(variant), times: times)
    }

    /// Expire the reservation just before the next matching call (commit by default) is applied.
    public static func expireReservation(on operation: RuntimeOperation = .commit, times: FaultRepetition = .once)
        -> FaultRule
    {
        FaultRule(match: FaultMatch(operation: operation), effect: .expireReservation, times: times)
    }
}
