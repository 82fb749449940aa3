import CyclesProtocol

extension ReservationCreateRequest: ValidatedJSONDecodable {
    /// The reserve body, read from its validated JSON (`JSONShape.reservationCreate`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        let subject = try object.object("subject")
        let action = try object.object("action")
        let estimate = try object.object("estimate")
        self.init(
            idempotencyKey: IdempotencyKey(try object.string("idempotency_key")),
            subject: Subject(
                tenant: try subject.optionalString("tenant"), workspace: try subject.optionalString("workspace"),
                app: try subject.optionalString("app"), workflow: try subject.optionalString("workflow"),
                agent: try subject.optionalString("agent"), toolset: try subject.optionalString("toolset"),
                dimensions: try subject.optionalStringMap("dimensions")),
            action: Action(
                kind: try action.string("kind"), name: try action.string("name"), tags: try action.optionalStrings("tags")),
            estimate: Amount(unit: BudgetUnit(rawValue: try estimate.string("unit")), amount: try estimate.integer("amount")),
            ttlMs: try object.optionalInteger("ttl_ms"),
            gracePeriodMs: try object.optionalInteger("grace_period_ms"),
            overagePolicy: try object.optionalString("overage_policy").map(CommitOveragePolicy.init(rawValue:)),
            dryRun: try object.optionalBool("dry_run"),
            metadata: try object.optionalMembers("metadata"))
    }
}
