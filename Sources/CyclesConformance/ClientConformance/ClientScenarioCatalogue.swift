/// The client-conformance scenarios: what `cycles conformance client` runs against an SDK's driver.
///
/// IDs are `SDK-<AREA>-NNN` and never reused for a different scenario. Each area lives in its own file.
public enum ClientScenarioCatalogue {
    /// Every scenario, in report order.
    public static var all: [ClientScenario] {
        lifecycle + headers + recovery + heartbeat + compatibility + errors + caps + concurrency
    }

    /// The scenarios of `profile`, optionally only those whose ID equals or starts with one of `only`.
    public static func select(profile: ConformanceProfile = .all, only: [String] = []) -> [ClientScenario] {
        all.filter { scenario in
            profile.includes(scenario.descriptor.level)
                && (only.isEmpty || only.contains { scenario.id == $0 || scenario.id.hasPrefix($0 + "-") })
        }
    }

    /// The descriptors, for expected-failure validation and listings.
    public static var descriptors: [CheckDescriptor] { all.map(\.descriptor) }
}
