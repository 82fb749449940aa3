import AsyncHTTPClient
import CyclesProtocol
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP exchange with the server: builds the request (auth, idempotency and trace headers), enforces the
/// per-request deadline, and turns the answer into a decoded body or a ``CyclesError``.
///
/// Low-level calls make exactly one attempt; recovery (retries with the same key, the event fallback) lives in
/// the lifecycle helpers, as the SDK recovery profile allows for primitives.
struct HTTPTransport: Sendable {
    let config: CyclesConfig
    let httpClient: HTTPClient
    /// The base URL without trailing slashes, so `http://x/` and `http://x` build the same URLs.
    let baseURL: String

    init(config: CyclesConfig) {
        self.config = config
        // Decision: default to the process-wide singleton. An owned HTTPClient must be shut down explicitly
        // (it asserts otherwise), which a value users create casually should not require.
        self.httpClient = config.httpClient ?? HTTPClient.shared
        var base = config.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
    }

    /// A request about to be sent.
    struct Exchange: Sendable {
        var method: HTTPMethod
        /// Path segments after the base URL; each is percent-encoded (reservation ids are opaque strings).
        var pathSegments: [String]
        var query: [(String, String)] = []
        var body: Data?
        var idempotencyKey: IdempotencyKey?
        var operation: String
    }

    /// Sends `exchange` and decodes a `Body` from an answer with `expectedStatus`, checked by `validate`, inside a
    /// client span (a no-op unless a tracer is configured; see `HTTPTransport+Tracing.swift`).
    func send<Body: Decodable & Sendable>(
        _ exchange: Exchange, expecting expectedStatus: Int, as type: Body.Type,
        validate: (Body, Data) throws(CyclesError) -> Void = { _, _ throws(CyclesError) in }
    ) async throws -> CyclesResponse<Body> {
        let traceID = CyclesTrace.currentTraceID ?? RandomIdentifier.hex(byteCount: 16)
        return try await withClientSpan(exchange, traceID: traceID) {
            try await send(exchange, traceID: traceID, expecting: expectedStatus, as: type, validate: validate)
        }
    }

    /// One attempt under `traceID`.
    private func send<Body: Decodable & Sendable>(
        _ exchange: Exchange, traceID: String, expecting expectedStatus: Int, as type: Body.Type,
        validate: (Body, Data) throws(CyclesError) -> Void
    ) async throws -> CyclesResponse<Body> {
        var request = HTTPClientRequest(url: url(for: exchange))
        request.method = exchange.method
        request.headers.add(name: CyclesHeader.apiKey, value: config.apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "swift-cycles/\(ProtocolLimits.protocolVersion)")
        // Trace propagation: a W3C traceparent (the server prefers it) plus the Cycles header for servers that
        // only read that one. Both carry the same trace id, so the server records the caller's trace.
        request.headers.add(name: CyclesHeader.traceparent, value: TraceContext.makeTraceparent(traceID: traceID))
        request.headers.add(name: CyclesHeader.traceID, value: traceID)
        if let key = exchange.idempotencyKey {
            request.headers.add(name: CyclesHeader.idempotencyKey, value: key.rawValue)
        }
        if let body = exchange.body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        var logger = config.logger
        logger[metadataKey: "cycles.operation"] = "\(exchange.operation)"
        logger[metadataKey: "cycles.trace_id"] = "\(traceID)"

        let response: HTTPClientResponse
        let bodyBuffer: ByteBuffer
        do {
            let timeoutMs = max(1, config.requestTimeout.wholeMillisecondsRoundedUp)
            response = try await httpClient.execute(request, timeout: .milliseconds(timeoutMs))
            bodyBuffer = try await response.body.collect(upTo: config.maxResponseBytes)
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            logger.debug("Cycles request failed in transport", metadata: ["error": "\(error)"])
            throw CyclesError(
                kind: .transport, message: "\(exchange.operation): no usable answer from \(baseURL) (\(error))",
                traceID: traceID, underlying: error)
        }

        let metadata = Self.metadata(from: response, fallbackTraceID: traceID)
        let data = Data(bodyBuffer.readableBytesView)
        let status = Int(response.status.code)
        if status == expectedStatus {
            let decoded: Body
            do {
                decoded = try CyclesJSON.decode(Body.self, from: data)
            } catch {
                throw CyclesError(
                    kind: .invalidResponse, httpStatus: status,
                    message: "\(exchange.operation): HTTP \(status) body does not match the protocol schema (\(error))",
                    requestID: metadata.requestID, traceID: metadata.traceID, underlying: error)
            }
            do throws(CyclesError) {
                try validate(decoded, data)
            } catch {
                var error = error
                error.requestID = error.requestID ?? metadata.requestID
                error.traceID = error.traceID ?? metadata.traceID
                error.httpStatus = error.httpStatus ?? status
                throw error
            }
            logger.trace("Cycles request succeeded", metadata: ["cycles.request_id": "\(metadata.requestID ?? "-")"])
            return CyclesResponse(body: decoded, metadata: metadata)
        }
        if (200..<300).contains(status) {
            throw CyclesError(
                kind: .invalidResponse, httpStatus: status,
                message: "\(exchange.operation): expected HTTP \(expectedStatus), got \(status)",
                requestID: metadata.requestID, traceID: metadata.traceID)
        }
        throw Self.serverError(status: status, data: data, metadata: metadata, operation: exchange.operation)
    }

    /// Maps a 4xx/5xx answer. A body that is not an `ErrorResponse` still yields a `.server` error with the status.
    static func serverError(status: Int, data: Data, metadata: ResponseMetadata, operation: String) -> CyclesError {
        if let body = try? CyclesJSON.decode(ErrorResponse.self, from: data) {
            return CyclesError(
                kind: .server, httpStatus: status, code: body.error, message: body.message,
                requestID: body.requestID.isEmpty ? metadata.requestID : body.requestID,
                traceID: body.traceID ?? metadata.traceID, retryAfter: metadata.retryAfter, details: body.details)
        }
        let snippet = String(decoding: data.prefix(200), as: UTF8.self)
        return CyclesError(
            kind: .server, httpStatus: status,
            message: "\(operation): HTTP \(status) without a protocol error body: \(snippet)",
            requestID: metadata.requestID, traceID: metadata.traceID, retryAfter: metadata.retryAfter)
    }

    static func metadata(from response: HTTPClientResponse, fallbackTraceID: String) -> ResponseMetadata {
        let headers = response.headers
        func first(_ name: String) -> String? { headers.first(name: name) }
        var retryAfter: Duration?
        // Retry-After is delta-seconds only in this protocol; an HTTP-date or garbage is ignored.
        if let text = first(CyclesHeader.retryAfter)?.trimmingCharacters(in: .whitespaces), let seconds = Int64(text),
            seconds >= 0
        {
            retryAfter = .seconds(seconds)
        }
        return ResponseMetadata(
            httpStatus: Int(response.status.code), requestID: first(CyclesHeader.requestID),
            traceID: TraceContext.validTraceID(first(CyclesHeader.traceID)) ?? fallbackTraceID,
            tenant: first(CyclesHeader.tenant),
            rateLimitRemaining: first(CyclesHeader.rateLimitRemaining).flatMap { Int64($0) },
            rateLimitReset: first(CyclesHeader.rateLimitReset).flatMap { Int64($0) }, retryAfter: retryAfter)
    }

    func url(for exchange: Exchange) -> String {
        var url = baseURL
        for segment in exchange.pathSegments {
            url += "/" + PercentEncoding.encode(segment)
        }
        if !exchange.query.isEmpty {
            url +=
                "?"
                + exchange.query.map {
                    PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1)
                }.joined(separator: "&")
        }
        return url
    }

    /// Encodes a request body with the shared deterministic encoder.
    static func encode(_ value: some Encodable) throws -> Data {
        do {
            return try CyclesJSON.encode(value)
        } catch {
            throw CyclesError.validation("request could not be encoded as JSON: \(error)")
        }
    }
}
