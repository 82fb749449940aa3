/// The outcome of one check.
public enum CheckStatus: String, Codable, Sendable, CaseIterable {
    /// The server did what the spec requires.
    case pass
    /// The server did not.
    case fail
    /// The check could not run here (reason given).
    case skip
    /// It failed, and the expected-failures file lists it.
    case expectedFail = "expected-fail"
}
