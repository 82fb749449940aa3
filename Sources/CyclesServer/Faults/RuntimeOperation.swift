public import HTTPTypes

/// A runtime (`/v1`) operation as the mock controls name it in fault rules and journal entries.
public enum RuntimeOperation: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// `POST /v1/reservations` (live or dry run).
    case reserve
    /// `POST /v1/reservations/{id}/commit`.
    case commit
    /// `POST /v1/reservations/{id}/release`.
    case release
    /// `POST /v1/reservations/{id}/extend`.
    case extend
    /// `POST /v1/decide`.
    case decide
    /// `POST /v1/events`.
    case event
    /// `GET /v1/reservations`.
    case listReservations = "list_reservations"
    /// `GET /v1/reservations/{id}`.
    case getReservation = "get_reservation"
    /// `GET /v1/balances`.
    case balances

    /// The wire spelling.
    public var description: String { rawValue }

    /// Whether the operation changes the ledger (and so has an idempotency key).
    public var isMutation: Bool {
        switch self {
        case .reserve, .commit, .release, .extend, .decide, .event: true
        case .listReservations, .getReservation, .balances: false
        }
    }

    /// Classifies a request by method and path (without query); `nil` for anything outside the runtime API.
    ///
    /// Returns the reservation id too when the path names one.
    public static func classify(
        method: HTTPRequest.Method, path: String
    ) -> (operation: RuntimeOperation, reservationID: String?)? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.first == "v1" else { return nil }
        switch (method, segments.count) {
        case (.post, 2) where segments[1] == "reservations": return (.reserve, nil)
        case (.get, 2) where segments[1] == "reservations": return (.listReservations, nil)
        case (.post, 2) where segments[1] == "decide": return (.decide, nil)
        case (.post, 2) where segments[1] == "events": return (.event, nil)
        case (.get, 2) where segments[1] == "balances": return (.balances, nil)
        case (.get, 3) where segments[1] == "reservations": return (.getReservation, segments[2])
        case (.post, 4) where segments[1] == "reservations":
            switch segments[3] {
            case "commit": return (.commit, segments[2])
            case "release": return (.release, segments[2])
            case "extend": return (.extend, segments[2])
            default: return nil
            }
        default: return nil
        }
    }
}
