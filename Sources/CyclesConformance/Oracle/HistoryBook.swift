import CyclesProtocol

/// Collects reservation histories from concurrent workers.
actor HistoryBook {
    private var histories: [String: ReservationHistory] = [:]
    private var order: [String] = []

    func open(_ history: ReservationHistory) {
        histories[history.id] = history
        order.append(history.id)
    }

    func record(_ id: String, _ operation: String, _ exchange: WireExchange) {
        histories[id]?.steps.append(
            ReservationHistory.Step(operation: operation, status: exchange.status, code: exchange.errorCode))
        if operation == "commit", exchange.status == 200 {
            histories[id]?.charged = exchange.json?["charged"]?["amount"]?.integerValue
        }
    }

    func all() -> [ReservationHistory] { order.compactMap { histories[$0] } }
}
