public import Hummingbird
public import NIOCore

/// A request context that keeps the connection's channel, so the fault middleware can close the
/// connection without writing an answer (`drop_connection`, `drop_response`).
///
/// Hummingbird gives the channel to every context through `ApplicationRequestContextSource.channel`;
/// a context only has to store it. Without it the middleware falls back to sending a response head and
/// then cutting the body short, which clients also see as a transport error, but after the status line.
public protocol ChannelCarryingRequestContext: RequestContext {
    /// The channel of the connection the request arrived on.
    var channel: any Channel { get }
}
