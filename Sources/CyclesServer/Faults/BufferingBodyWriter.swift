import HTTPTypes
import Hummingbird
import NIOCore

/// A response body writer that keeps the bytes in memory, so the fault middleware can inspect or rewrite
/// a runtime answer (runtime answers are small JSON documents).
struct BufferingBodyWriter: ResponseBodyWriter {
    /// Where the bytes go; a class so the caller can read them after the consuming `finish`.
    final class Sink {
        var buffer = ByteBuffer()
    }

    let sink: Sink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
