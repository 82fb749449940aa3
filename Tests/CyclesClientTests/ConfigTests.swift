import Cycles
import Testing

@Suite("Configuration from the environment")
struct ConfigTests {
    @Test("reads every variable, in milliseconds")
    func readsEverything() throws {
        let config = try CyclesConfig.fromEnvironment([
            "CYCLES_BASE_URL": "http://localhost:7878", "CYCLES_API_KEY": "cyc_live_x", "CYCLES_TENANT": "acme",
            "CYCLES_WORKSPACE": "prod", "CYCLES_APP": "app", "CYCLES_WORKFLOW": "wf", "CYCLES_AGENT": "bot",
            "CYCLES_TOOLSET": "tools", "CYCLES_CONNECT_TIMEOUT": "1500", "CYCLES_READ_TIMEOUT": "8000",
            "CYCLES_RETRY_ENABLED": "false", "CYCLES_RETRY_MAX_ATTEMPTS": "7", "CYCLES_RETRY_INITIAL_DELAY": "250",
            "CYCLES_RETRY_MULTIPLIER": "1.5", "CYCLES_RETRY_MAX_DELAY": "10000",
        ])
        #expect(config.baseURL == "http://localhost:7878")
        #expect(config.apiKey == "cyc_live_x")
        #expect(
            config.subjectDefaults
                == Subject(tenant: "acme", workspace: "prod", app: "app", workflow: "wf", agent: "bot", toolset: "tools"))
        #expect(config.connectTimeout == .milliseconds(1_500))
        #expect(config.readTimeout == .milliseconds(8_000))
        #expect(config.retry.isEnabled == false)
        #expect(config.retry.maxAttempts == 7)
        #expect(config.retry.initialDelay == .milliseconds(250))
        #expect(config.retry.multiplier == 1.5)
        #expect(config.retry.maxDelay == .seconds(10))
    }

    @Test("a custom prefix is honoured and defaults apply when unset")
    func prefixAndDefaults() throws {
        let config = try CyclesConfig.fromEnvironment(["APP_BASE_URL": "https://x.example", "APP_API_KEY": "k"], prefix: "APP_")
        #expect(config.subjectDefaults == Subject())
        #expect(config.readTimeout == .milliseconds(5_000))
        #expect(config.retry.isEnabled)
    }

    @Test("a bad or missing value is an error naming the variable", arguments: [
        (["CYCLES_API_KEY": "k"], "CYCLES_BASE_URL"),
        (["CYCLES_BASE_URL": "http://x"], "CYCLES_API_KEY"),
        (["CYCLES_BASE_URL": "ftp://x", "CYCLES_API_KEY": "k"], "CYCLES_BASE_URL"),
        (["CYCLES_BASE_URL": "http://x", "CYCLES_API_KEY": "k", "CYCLES_READ_TIMEOUT": "5s"], "CYCLES_READ_TIMEOUT"),
        (["CYCLES_BASE_URL": "http://x", "CYCLES_API_KEY": "k", "CYCLES_CONNECT_TIMEOUT": "0"], "CYCLES_CONNECT_TIMEOUT"),
        (["CYCLES_BASE_URL": "http://x", "CYCLES_API_KEY": "k", "CYCLES_RETRY_ENABLED": "maybe"], "CYCLES_RETRY_ENABLED"),
        (["CYCLES_BASE_URL": "http://x", "CYCLES_API_KEY": "k", "CYCLES_RETRY_MAX_ATTEMPTS": "0"], "CYCLES_RETRY_MAX_ATTEMPTS"),
        (["CYCLES_BASE_URL": "http://x", "CYCLES_API_KEY": "k", "CYCLES_RETRY_MULTIPLIER": "x"], "CYCLES_RETRY_MULTIPLIER"),
    ])
    func badValuesNameTheVariable(environment: [String: String], variable: String) {
        let error = #expect(throws: CyclesConfigurationError.self) { try CyclesConfig.fromEnvironment(environment) }
        #expect(error?.variable == variable)
        #expect(error?.description.hasPrefix(variable) == true)
    }
}
