import Foundation
import Testing

/// The README's quickstart snippets are, byte for byte, the files that `swift build` compiles as the whole
/// `main.swift` of executables under `Examples/Readme/` (each depending only on the products the README names), so a
/// snippet that stops compiling as pasted breaks the build, and one that drifts from its file fails here.
struct ReadmeSnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `(path, block)` for every `<!-- snippet: PATH -->` marker followed by a fenced block.
    static func markedSnippets(in readme: String) -> [(path: String, block: String)] {
        var snippets: [(String, String)] = []
        var remainder = Substring(readme)
        while let marker = remainder.range(of: "<!-- snippet: ") {
            remainder = remainder[marker.upperBound...]
            guard let close = remainder.range(of: " -->\n```swift\n") else { break }
            let path = String(remainder[..<close.lowerBound])
            remainder = remainder[close.upperBound...]
            guard let fence = remainder.range(of: "```\n") else { break }
            snippets.append((path, String(remainder[..<fence.lowerBound])))
            remainder = remainder[fence.upperBound...]
        }
        return snippets
    }

    @Test("Every marked README snippet equals its file under Examples/Readme")
    func snippetsMatchFiles() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let snippets = Self.markedSnippets(in: readme)
        #expect(snippets.count >= 4, "markers found: \(snippets.map(\.path))")
        for (path, block) in snippets {
            #expect(path.hasPrefix("Examples/Readme/"), "\(path)")
            let file = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            #expect(file == block, "README block for \(path) differs from the file")
        }
        let directories = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("Examples/Readme").path)
        for directory in directories where !directory.contains(".") {
            #expect(snippets.contains { $0.path == "Examples/Readme/\(directory)/main.swift" }, "\(directory) unused")
        }
    }

    @Test("Every Swift block of the quickstarts is marked (so it is compiled)")
    func quickstartBlocksAreMarked() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Quickstart 1"))
        let end = try #require(readme.range(of: "\n## ", range: readme.range(of: "## Quickstart 3")!.upperBound..<readme.endIndex))
        let quickstarts = readme[start.lowerBound..<end.lowerBound]
        let blocks = quickstarts.components(separatedBy: "```swift\n").count - 1
        let marked = quickstarts.components(separatedBy: " -->\n```swift\n").count - 1
        #expect(blocks == marked && blocks >= 4, "\(blocks) Swift blocks, \(marked) marked")
    }
}
