import CyclesProtocol

extension ConformanceCatalogue {
    static let webhookDeliveries: [ConformanceCheck] = []
}
