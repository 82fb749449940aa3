import CyclesProtocol
import Testing

struct ScopePathTests {
    @Test("Gaps are skipped and values lowercased")
    func derivesCanonicalPath() {
        let path = ScopePath(subject: Subject(tenant: "Acme", agent: "Bot"))
        #expect(path.description == "tenant:acme/agent:bot")
        #expect(path.leaf == "agent:bot")
    }

    @Test("Affected scopes are cumulative prefixes, root first")
    func affectedScopes() {
        let path = ScopePath(subject: Subject(tenant: "acme-corp", workspace: "prod", agent: "summarizer"))
        #expect(
            path.affectedScopes == [
                "tenant:acme-corp", "tenant:acme-corp/workspace:prod", "tenant:acme-corp/workspace:prod/agent:summarizer",
            ])
    }

    @Test("Dimensions never enter the path")
    func dimensionsIgnored() {
        let path = ScopePath(subject: Subject(tenant: "t", dimensions: ["run": "1"]))
        #expect(path.description == "tenant:t")
    }

    @Test("Parsing accepts canonical paths and rejects malformed or out-of-order ones")
    func parsing() {
        #expect(ScopePath(parsing: "tenant:a/app:b")?.description == "tenant:a/app:b")
        #expect(ScopePath(parsing: "app:b/tenant:a") == nil)
        #expect(ScopePath(parsing: "planet:x") == nil)
        #expect(ScopePath(parsing: "tenant:") == nil)
        #expect(ScopePath(parsing: "") == nil)
    }

    @Test("A subject fills unset levels from defaults but keeps its own")
    func subjectDefaults() {
        let merged = Subject(agent: "bot", dimensions: ["a": "own"])
            .filling(from: Subject(tenant: "acme", agent: "other", dimensions: ["a": "default", "b": "x"]))
        #expect(merged.tenant == "acme")
        #expect(merged.agent == "bot")
        #expect(merged.dimensions == ["a": "own", "b": "x"])
        #expect(Subject(dimensions: ["a": "b"]).hasStandardField == false)
    }
}
