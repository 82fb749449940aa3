extension CyclesHeader {
    /// `sha256=` and the lowercase hex HMAC-SHA256 of a webhook delivery's raw body, keyed by the subscription's
    /// signing secret.
    public static let webhookSignature = "X-Cycles-Signature"
    /// The prefix of ``webhookSignature``'s value: the only scheme the spec defines.
    public static let webhookSignatureScheme = "sha256="
    /// The delivered event's `event_id`.
    public static let webhookEventID = "X-Cycles-Event-Id"
    /// The delivered event's `event_type`.
    public static let webhookEventType = "X-Cycles-Event-Type"
    /// The `delivery_id` of the `WebhookDelivery` record the POST belongs to (the same on every retry of it).
    public static let webhookDeliveryID = "X-Cycles-Delivery-Id"
}
