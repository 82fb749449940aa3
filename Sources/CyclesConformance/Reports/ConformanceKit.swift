/// Facts about the kit itself.
public enum ConformanceKit {
    /// The kit's version; bump when checks change meaning (IDs are never reused).
    public static let version = "0.1.0"
}
