/// A seed document that cannot be used: which document, where in it, and why.
public struct SeedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file path or other origin of the document.
    public var source: String
    /// A JSON path inside it, e.g. `$.budgets[2].allocated`.
    public var path: String
    /// What is wrong.
    public var reason: String

    /// Creates a seed error.
    public init(source: String, path: String, reason: String) {
        self.source = source
        self.path = path
        self.reason = reason
    }

    /// `"seeds/demo.json: $.budgets[0].unit: unknown unit 'USD'"`.
    public var description: String { "\(source): \(path): \(reason)" }
}
