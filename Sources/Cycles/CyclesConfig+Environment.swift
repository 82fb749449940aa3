import CyclesProtocol
import Foundation

extension CyclesConfig {
    /// Reads a configuration from environment variables.
    ///
    /// | Variable | Meaning |
    /// |---|---|
    /// | `CYCLES_BASE_URL` | required, `http://` or `https://` URL |
    /// | `CYCLES_API_KEY` | required, non-empty |
    /// | `CYCLES_TENANT`, `CYCLES_WORKSPACE`, `CYCLES_APP`, `CYCLES_WORKFLOW`, `CYCLES_AGENT`, `CYCLES_TOOLSET` | subject defaults |
    /// | `CYCLES_CONNECT_TIMEOUT`, `CYCLES_READ_TIMEOUT` | milliseconds, > 0 (defaults 2000 / 5000) |
    /// | `CYCLES_RETRY_ENABLED` | `true`/`false`/`1`/`0`/`yes`/`no` (default true) |
    /// | `CYCLES_RETRY_MAX_ATTEMPTS` | integer ≥ 1 (default 5) |
    /// | `CYCLES_RETRY_INITIAL_DELAY`, `CYCLES_RETRY_MAX_DELAY` | milliseconds ≥ 0 (defaults 500 / 30000) |
    /// | `CYCLES_RETRY_MULTIPLIER` | number ≥ 1 (default 2) |
    /// | `CYCLES_JOURNAL_ENABLED` | `true`/`false` (default false): journal settlements durably |
    /// | `CYCLES_JOURNAL_DIR` | the journal root (default `~/.runcycles/commit-journal`) |
    ///
    /// Every duration is in **milliseconds** (the Python SDK reads seconds; this one does not).
    /// A value that cannot be parsed is an error naming the variable, never a silent default.
    /// An empty value counts as unset.
    ///
    /// - Parameters:
    ///   - environment: The variables to read; `nil` (the default) reads the process environment.
    ///   - prefix: The variable prefix, `CYCLES_` by default.
    public static func fromEnvironment(
        _ environment: [String: String]? = nil, prefix: String = "CYCLES_"
    ) throws(CyclesConfigurationError) -> CyclesConfig {
        let reader = EnvironmentReader(environment: environment ?? ProcessInfo.processInfo.environment, prefix: prefix)
        let baseURL = try reader.required("BASE_URL", secret: false)
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://"), URL(string: baseURL)?.host != nil else {
            throw CyclesConfigurationError(
                variable: prefix + "BASE_URL", value: baseURL, reason: "must be an http:// or https:// URL with a host")
        }
        let apiKey = try reader.required("API_KEY", secret: true)
        var config = CyclesConfig(baseURL: baseURL, apiKey: apiKey)
        for level in ScopeLevel.allCases {
            let name = level.rawValue.uppercased()
            if let value = reader.optional(name) {
                guard value.schemaLength <= ProtocolLimits.subjectFieldMaxLength else {
                    throw CyclesConfigurationError(
                        variable: prefix + name, value: value,
                        reason: "must be at most \(ProtocolLimits.subjectFieldMaxLength) characters")
                }
                config.subjectDefaults[level] = value
            }
        }
        if let value = try reader.milliseconds("CONNECT_TIMEOUT", minimum: 1) { config.connectTimeout = value }
        if let value = try reader.milliseconds("READ_TIMEOUT", minimum: 1) { config.readTimeout = value }
        if let value = try reader.boolean("RETRY_ENABLED") { config.retry.isEnabled = value }
        if let value = try reader.integer("RETRY_MAX_ATTEMPTS", minimum: 1) { config.retry.maxAttempts = Int(value) }
        if let value = try reader.milliseconds("RETRY_INITIAL_DELAY", minimum: 0) { config.retry.initialDelay = value }
        if let value = try reader.milliseconds("RETRY_MAX_DELAY", minimum: 0) { config.retry.maxDelay = value }
        if let value = try reader.number("RETRY_MULTIPLIER", minimum: 1) { config.retry.multiplier = value }
        if let value = try reader.boolean("JOURNAL_ENABLED") { config.journal.isEnabled = value }
        if let value = reader.optional("JOURNAL_DIR") { config.journal.directory = URL(fileURLWithPath: value, isDirectory: true) }
        return config
    }
}

/// Parses prefixed environment variables strictly.
private struct EnvironmentReader {
    let environment: [String: String]
    let prefix: String

    func optional(_ name: String) -> String? {
        guard let value = environment[prefix + name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    func required(_ name: String, secret: Bool) throws(CyclesConfigurationError) -> String {
        guard let value = optional(name) else {
            throw CyclesConfigurationError(variable: prefix + name, value: nil, reason: "is required but not set")
        }
        return value
    }

    func integer(_ name: String, minimum: Int64) throws(CyclesConfigurationError) -> Int64? {
        guard let text = optional(name) else { return nil }
        guard let value = Int64(text) else {
            throw CyclesConfigurationError(variable: prefix + name, value: text, reason: "must be a whole number")
        }
        guard value >= minimum else {
            throw CyclesConfigurationError(variable: prefix + name, value: text, reason: "must be at least \(minimum)")
        }
        return value
    }

    func milliseconds(_ name: String, minimum: Int64) throws(CyclesConfigurationError) -> Duration? {
        guard let text = optional(name) else { return nil }
        guard let value = Int64(text) else {
            throw CyclesConfigurationError(
                variable: prefix + name, value: text, reason: "must be a whole number of milliseconds")
        }
        guard value >= minimum else {
            throw CyclesConfigurationError(
                variable: prefix + name, value: text, reason: "must be at least \(minimum) milliseconds")
        }
        return .milliseconds(value)
    }

    func number(_ name: String, minimum: Double) throws(CyclesConfigurationError) -> Double? {
        guard let text = optional(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw CyclesConfigurationError(variable: prefix + name, value: text, reason: "must be a number")
        }
        guard value >= minimum else {
            throw CyclesConfigurationError(variable: prefix + name, value: text, reason: "must be at least \(minimum)")
        }
        return value
    }

    func boolean(_ name: String) throws(CyclesConfigurationError) -> Bool? {
        guard let text = optional(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            throw CyclesConfigurationError(
                variable: prefix + name, value: text, reason: "must be true or false (also 1/0, yes/no, on/off)")
        }
    }
}
