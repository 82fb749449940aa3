/// The target refused a provisioning call the kit needed (not a conformance failure of the runtime API).
public struct ProvisioningError: Error, Sendable, CustomStringConvertible {
    /// What the provisioner tried.
    public var step: String
    /// The exchange that failed, if there was one.
    public var exchange: WireExchange?

    /// Creates an error.
    public init(step: String, exchange: WireExchange? = nil) {
        self.step = step
        self.exchange = exchange
    }

    /// `provisioning failed: <step> (<summary>: <body>)`.
    public var description: String {
        guard let exchange else { return "provisioning failed: \(step)" }
        return "provisioning failed: \(step) (\(exchange.summary): \(exchange.body.prefix(300)))"
    }
}
