extension ErrorCode {
    /// Events, 404: no event with that id.
    public static let eventNotFound: ErrorCode = "EVENT_NOT_FOUND"
    /// Webhooks, 404: no subscription with that id (or, under tenant auth, none of the caller's).
    public static let webhookNotFound: ErrorCode = "WEBHOOK_NOT_FOUND"
    /// Webhooks, 400: the URL breaks the server's webhook security rules (scheme, blocked range, allowed patterns).
    public static let webhookURLInvalid: ErrorCode = "WEBHOOK_URL_INVALID"
    /// Webhooks, 409: a replay for this subscription is already running.
    public static let replayInProgress: ErrorCode = "REPLAY_IN_PROGRESS"
}
