import CyclesServer

let server = try await ReferenceServer.start(.init(seed: try SeedDocument.load(contentsOf: "Fixtures/seeds/demo.json")))
print(server.baseURL)          // http://127.0.0.1:<port>
await server.stop()
