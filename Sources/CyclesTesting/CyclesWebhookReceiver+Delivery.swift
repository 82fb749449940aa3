public import CyclesProtocol
import Crypto
public import Foundation

extension CyclesWebhookReceiver {
    /// One request the receiver got: what was sent, exactly, and what it answered.
    ///
    /// The event fields come from the protocol's own types: ``event`` decodes the body as the spec's `Event`, and
    /// ``eventID``, ``eventType`` and ``deliveryID`` read the `X-Cycles-…` headers `CyclesHeader` names.
    public struct Delivery: Sendable {
        /// Arrival position, from 0.
        public let sequence: Int
        /// The request path: `/hook`, or `/hook/<something>` for a subscription pointed at ``url(path:)``.
        public let path: String
        /// Every request header, names lowercased (repeated headers joined with `", "`); see ``header(_:)``.
        public let headers: [String: String]
        /// The raw body, byte for byte (what the signature covers).
        public let body: [UInt8]
        /// When it arrived (wall clock).
        public let receivedAt: Date
        /// The HTTP status the receiver answered.
        public let responseStatus: Int
        /// Whether `X-Cycles-Signature` verifies with the receiver's secret; `nil` when the receiver has none.
        public let signatureValid: Bool?
        /// The body decoded as an `Event`; `nil` when it is not one.
        public let event: ProtocolEvent?

        init(
            sequence: Int, path: String, headers: [String: String], body: [UInt8], receivedAt: Date,
            responseStatus: Int, secret: String?
        ) {
            self.sequence = sequence
            self.path = path
            self.headers = headers
            self.body = body
            self.receivedAt = receivedAt
            self.responseStatus = responseStatus
            self.event = try? CyclesJSON.decode(ProtocolEvent.self, from: Data(body))
            self.signatureValid = secret.map { Self.verify(headers[CyclesHeader.webhookSignature.lowercased()], body, $0) }
        }

        /// The part of ``path`` after `/hook/` (`nil` for `/hook` itself): which subscription it was sent for when
        /// each was subscribed to its own ``url(path:)``.
        public var subscription: String? {
            guard path.hasPrefix("/hook/") else { return nil }
            return String(path.dropFirst("/hook/".count))
        }

        /// Whether the receiver accepted it (answered 2xx).
        public var accepted: Bool { (200..<300).contains(responseStatus) }

        /// `X-Cycles-Event-Id`, else the body's `event_id`.
        public var eventID: String? { header(CyclesHeader.webhookEventID) ?? event?.eventID }

        /// `X-Cycles-Event-Type`, else the body's `event_type`.
        public var eventType: EventType? {
            header(CyclesHeader.webhookEventType).map(EventType.init(rawValue:)) ?? event?.eventType
        }

        /// `X-Cycles-Delivery-Id`: the server's delivery record (the same on each retry of one delivery).
        public var deliveryID: String? { header(CyclesHeader.webhookDeliveryID) }

        /// The `X-Cycles-Signature` header as sent.
        public var signature: String? { header(CyclesHeader.webhookSignature) }

        /// The header `name`, matched case-insensitively.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// Whether `X-Cycles-Signature` is `sha256=` and the lowercase hex HMAC-SHA256 of ``body`` keyed by
        /// `secret` (compared in constant time).
        public func verifiesSignature(secret: String) -> Bool {
            Self.verify(signature, body, secret)
        }

        static func verify(_ header: String?, _ body: [UInt8], _ secret: String) -> Bool {
            guard let header, header.hasPrefix(CyclesHeader.webhookSignatureScheme),
                let mac = hexBytes(header.dropFirst(CyclesHeader.webhookSignatureScheme.count))
            else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(
                mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
        }

        /// Lowercase hex → bytes; `nil` for anything else (odd length, other characters, uppercase: the header is
        /// specified as lowercase hex, and a kit checking a server should not accept another spelling).
        static func hexBytes(_ text: Substring) -> [UInt8]? {
            let digits = Array(text.utf8)
            guard digits.count.isMultiple(of: 2) else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(digits.count / 2)
            for index in stride(from: 0, to: digits.count, by: 2) {
                guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
            }
            return bytes
        }

        private static func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
    }

    /// ``nextEvent(ofType:timeout:)`` found the event, but its `X-Cycles-Signature` does not verify with the
    /// receiver's secret (a wrong secret, a changed body, or a sender that does not sign).
    public struct SignatureMismatch: Error, CustomStringConvertible {
        /// The delivery whose signature failed.
        public let delivery: Delivery

        /// One line for a test failure.

        /// One line for a test failure.
        public var description: String {
            "webhook delivery #\(delivery.sequence) (\(delivery.eventType?.rawValue ?? "?") \(delivery.eventID ?? "?")) "
                + "has X-Cycles-Signature \(delivery.signature.map { "'\($0)'" } ?? "missing"), which does not verify "
                + "with the receiver's secret"
        }
    }

    /// ``nextEvent(ofType:timeout:)`` found a delivery of the type whose body is not an `Event`.
    public struct UndecodableEvent: Error, CustomStringConvertible {
        /// The delivery whose body did not decode.
        public let delivery: Delivery

        /// One line for a test failure.

        /// One line for a test failure.
        public var description: String {
            "webhook delivery #\(delivery.sequence) (\(delivery.eventType?.rawValue ?? "?")) has a body that is not an "
                + "Event: \(String(decoding: delivery.body.prefix(200), as: UTF8.self))"
        }
    }
}
