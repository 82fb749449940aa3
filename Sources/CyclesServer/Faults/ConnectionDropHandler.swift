import HTTPTypes
public import NIOCore
public import NIOHTTPTypes

/// A channel handler that turns a marked response into a closed connection with nothing written.
///
/// Hummingbird gives route middleware no handle on the connection, so `FaultInjectionMiddleware` marks the
/// response it wants lost with `markerHeader`; this handler, installed after the HTTP codec, sees the marked
/// head, closes the channel instead of writing it, and fails every later part of that response. The client
/// sees the connection close with no status line: the "did my request land?" case.
public final class ConnectionDropHandler: ChannelOutboundHandler, RemovableChannelHandler {
    /// Response parts in and out (HTTPTypes form, after Hummingbird's HTTP/1 codec).
    public typealias OutboundIn = HTTPResponsePart
    /// Response parts passed on unchanged.
    public typealias OutboundOut = HTTPResponsePart

    /// The header that marks a response to drop; it never reaches the wire.
    static let markerHeader = HTTPField.Name("X-Cycles-Mock-Drop-Connection")!

    private var dropping = false

    /// Creates the handler (one per connection).
    public init() {}

    /// Drops marked responses; passes everything else through.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .head(let head) = part, head.headerFields[Self.markerHeader] != nil {
            dropping = true
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(mode: .all, promise: nil)
            return
        }
        if dropping {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(data, promise: promise)
    }
}
