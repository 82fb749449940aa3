/// What the mock middleware learned about one runtime request before handing it to the runtime routes.
struct InterceptedRequest: Sendable {
    /// The runtime operation.
    var operation: RuntimeOperation
    /// The tenant of the API key, when the key is known.
    var tenant: String?
    /// The namespace of that tenant.
    var namespace: String?
    /// The reservation id in the path.
    var reservationID: String?
    /// The idempotency key from the header or the body.
    var idempotencyKey: String?
}
