import CyclesProtocol
import Foundation
import Testing

/// Decodes each golden file in `Fixtures/wire`, re-encodes it and compares the JSON values,
/// so a renamed coding key or a dropped field fails here before it reaches a server.
struct GoldenWireTests {
    static let wireDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wire")

    static func roundTrip<T: Codable>(_ type: T.Type, file: String) throws -> (original: JSONValue, again: JSONValue) {
        let data = try Data(contentsOf: wireDirectory.appendingPathComponent(file))
        let value = try CyclesJSON.decode(T.self, from: data)
        let original = try CyclesJSON.decode(JSONValue.self, from: data)
        let again = try CyclesJSON.decode(JSONValue.self, from: try CyclesJSON.encode(value))
        return (original, again)
    }

    @Test("Golden wire files survive decode and re-encode unchanged", arguments: [
        "reservation-create-request.json", "reservation-create-response.json", "commit-request.json",
        "commit-response.json", "error-unit-mismatch.json", "reservation-list-response.json",
        "event-create-request.json",
    ])
    func goldenRoundTrip(file: String) throws {
        let result: (original: JSONValue, again: JSONValue)
        switch file {
        case "reservation-create-request.json": result = try Self.roundTrip(ReservationCreateRequest.self, file: file)
        case "reservation-create-response.json": result = try Self.roundTrip(ReservationCreateResponse.self, file: file)
        case "commit-request.json": result = try Self.roundTrip(CommitRequest.self, file: file)
        case "commit-response.json": result = try Self.roundTrip(CommitResponse.self, file: file)
        case "error-unit-mismatch.json": result = try Self.roundTrip(ErrorResponse.self, file: file)
        case "reservation-list-response.json": result = try Self.roundTrip(ReservationListResponse.self, file: file)
        case "event-create-request.json": result = try Self.roundTrip(EventCreateRequest.self, file: file)
        default: Issue.record("no type registered for \(file)"); return
        }
        #expect(result.original == result.again)
    }

    @Test("The golden reservation response decodes into typed values")
    func typedValues() throws {
        let data = try Data(contentsOf: Self.wireDirectory.appendingPathComponent("reservation-create-response.json"))
        let response = try CyclesJSON.decode(ReservationCreateResponse.self, from: data)
        #expect(response.decision == .allowWithCaps)
        #expect(response.reservationID == "rsv_a1b2c3d4")
        #expect(response.caps?.maxTokens == 4096)
        #expect(response.balances?.first?.remaining == .usdMicrocents(45_000))
    }
}
