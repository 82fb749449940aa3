import Logging
import Synchronization

/// Collects log records so tests can assert what the client reported.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger that writes here.
    func logger() -> Logger {
        var logger = Logger(label: "cycles.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged: [String: String] = [:]
            for (key, value) in metadata { merged[key] = "\(value)" }
            for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: merged))
        }
    }
}
