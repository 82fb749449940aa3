import Hummingbird

/// `POST /__cycles/retention/purge`: runs one retention purge now (what the server's background task does every
/// `--retention-interval`) and answers what it deleted (`Ledger.PurgeReport`). With `POST /__cycles/clock/advance`
/// first, a test makes records due and removes them without waiting.
extension MockControlRoutes {
    func purgeRetention() async throws -> Response {
        try Self.json(try await ledger.purgeExpiredRecords())
    }
}
