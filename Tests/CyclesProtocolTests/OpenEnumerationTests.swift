import CyclesProtocol
import Foundation
import Testing

struct OpenEnumerationTests {
    @Test("Unknown error codes decode and keep their raw value")
    func unknownErrorCodeIsKept() throws {
        let body = Data(#"{"error":"QUOTA_PIXIE_DUST","message":"m","request_id":"r"}"#.utf8)
        let decoded = try CyclesJSON.decode(ErrorResponse.self, from: body)
        #expect(decoded.error.rawValue == "QUOTA_PIXIE_DUST")
        #expect(!decoded.error.isKnown)
        #expect(decoded.error.httpStatus == nil)
    }

    @Test("All 17 spec error codes are known and map to their status")
    func knownErrorCodes() {
        #expect(ErrorCode.knownValues.count == 17)
        #expect(ErrorCode.budgetExceeded.httpStatus == 409)
        #expect(ErrorCode.reservationExpired.httpStatus == 410)
        #expect(ErrorCode.unitMismatch.httpStatus == 400)
        #expect(ErrorCode.limitExceeded.httpStatus == 429)
        #expect(ErrorCode.knownValues.allSatisfy { $0.httpStatus != nil })
    }

    @Test("Unknown decision reason codes survive a round trip")
    func reasonCodeRoundTrip() throws {
        let response = DecisionResponse(decision: "MAYBE", reasonCode: "ACTION_QUOTA_EXCEEDED")
        let data = try CyclesJSON.encode(response)
        let decoded = try CyclesJSON.decode(DecisionResponse.self, from: data)
        #expect(decoded.decision.rawValue == "MAYBE")
        #expect(!decoded.decision.isAllowed)
        #expect(decoded.reasonCode == "ACTION_QUOTA_EXCEEDED")
    }

    @Test("Unknown reservation statuses count as terminal")
    func unknownStatusIsTerminal() {
        #expect(ReservationStatus(rawValue: "ARCHIVED").isTerminal)
        #expect(!ReservationStatus.active.isTerminal)
    }
}
