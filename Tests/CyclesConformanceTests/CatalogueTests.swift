import CyclesConformance
import Foundation
import Testing

struct CatalogueTests {
    @Test("Every check ID is unique and spells its section")
    func idsAreUniqueAndWellFormed() {
        let ids = ConformanceCatalogue.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for check in ConformanceCatalogue.all {
            let parts = check.id.split(separator: "-")
            #expect(parts.count == 3, "\(check.id) is not PREFIX-SECTION-NNN")
            #expect(String(parts[1]) == check.descriptor.section.rawValue, "\(check.id) is in \(check.descriptor.section)")
            #expect(parts.last?.count == 3 && Int(parts.last ?? "") != nil, "\(check.id) has no 3-digit number")
            #expect(!check.descriptor.title.isEmpty && !check.descriptor.spec.isEmpty)
        }
    }

    @Test("Conformance/catalogue.json matches the catalogue defined in code")
    func catalogueFileMatchesCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = root.appendingPathComponent("Conformance/catalogue.json")
        let onDisk = try String(contentsOf: file, encoding: .utf8)
        #expect(
            onDisk == ConformanceCatalogue.catalogueJSON(),
            "regenerate with: swift run cycles conformance catalogue > Conformance/catalogue.json")
    }

    @Test("Profiles select by level and --only narrows by ID or prefix")
    func selection() {
        let must = ConformanceCatalogue.select(profile: .must)
        #expect(!must.isEmpty && must.allSatisfy { $0.descriptor.level == .must })
        let should = ConformanceCatalogue.select(profile: .should)
        #expect(should.allSatisfy { $0.descriptor.level != .may })
        #expect(ConformanceCatalogue.select(profile: .all).count == ConformanceCatalogue.all.count)
        let idempotency = ConformanceCatalogue.select(profile: .all, only: ["SRV-IDEM"])
        #expect(!idempotency.isEmpty && idempotency.allSatisfy { $0.id.hasPrefix("SRV-IDEM-") })
        let one = ConformanceCatalogue.select(profile: .must, only: ["SRV-WIRE-018"])
        #expect(one.map(\.id) == ["SRV-WIRE-018"], "an explicit --only ID runs even outside the profile")
    }

    @Test("Every error code of the spec except LIMIT_EXCEEDED and INTERNAL_ERROR is exercised by a check title")
    func errorCodesAreCovered() {
        let titles = ConformanceCatalogue.all.map { $0.descriptor.title }.joined(separator: " ")
        let untestable: Set<String> = ["LIMIT_EXCEEDED", "INTERNAL_ERROR"]
        for code in ["INVALID_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED", "BUDGET_FROZEN",
            "BUDGET_CLOSED", "RESERVATION_EXPIRED", "RESERVATION_FINALIZED", "IDEMPOTENCY_MISMATCH", "UNIT_MISMATCH",
            "OVERDRAFT_LIMIT_EXCEEDED", "DEBT_OUTSTANDING", "MAX_EXTENSIONS_EXCEEDED", "TENANT_CLOSED"]
        where !untestable.contains(code) {
            #expect(titles.contains(code) || (code == "UNAUTHORIZED" && titles.contains("401")), "\(code) has no check")
        }
    }
}
