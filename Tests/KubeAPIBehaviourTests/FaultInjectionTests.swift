import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// The REST client against KubeSimServer when things go wrong: API errors injected by the
/// scenario, connections the server drops, watches it cuts, and versions it has forgotten.
@Suite("REST client under faults")
struct FaultInjectionTests {
  @Test(arguments: [429, 500, 503])
  func survivesInjectedServerErrorsOnReads(_ code: Int) async throws {
    let faults = [
      Scenario.Fault(verb: "get", rate: 0.4, code: code, retryAfterSeconds: code == 429 ? 2 : nil),
      Scenario.Fault(verb: "list", rate: 0.4, code: code, retryAfterSeconds: code == 429 ? 2 : nil),
    ]
    let sim = KubeSim(scenario: Fixtures.scenario(faults: faults))
    let h = try await Harness.make(.rest, sim: sim, retry: RetryPolicy(maxAttempts: 12))
    // Creates are not faulted; reads are, and every one of them must come through.
    for i in 0..<5 { _ = try await h.api.create(Fixtures.configMap("f-\(i)"), options: WriteOptions()) }
    for i in 0..<5 { #expect(try await h.api.get(Fixtures.configMapID("f-\(i)")).name == "f-\(i)") }
    for _ in 0..<5 { #expect(try await h.api.list(Fixtures.configMapGVK, namespace: "llm").items.count == 5) }
    let sleeps = h.clock.sleeps
    #expect(!sleeps.isEmpty)
    // 429 waits what Retry-After said (other waits may come from a loaded machine's hiccups).
    if code == 429 { #expect(sleeps.contains(.seconds(2))) }
    #expect((h.wire?.count("GET", "/configmaps/f-0") ?? 0) + (h.wire?.count("GET", "/configmaps") ?? 0) > 5)
    await h.close()
  }

  @Test func doesNotRepeatACreateThatFailedWithAnInternalError() async throws {
    let sim = KubeSim(scenario: Fixtures.scenario(faults: [Scenario.Fault(verb: "create", rate: 1, code: 500)]))
    let h = try await Harness.make(.rest, sim: sim, retry: RetryPolicy(maxAttempts: 5))
    let error = await #expect(throws: KubeError.self) {
      try await h.api.create(Fixtures.configMap("once"), options: WriteOptions())
    }
    #expect(error?.code == 500)
    #expect(h.wire?.count("POST", "/api/v1/namespaces/llm/configmaps") == 1)
    await h.close()
  }

  @Test func retriesAnInjectedTooManyRequestsOnCreate() async throws {
    let sim = KubeSim(
      scenario: Fixtures.scenario(
        faults: [Scenario.Fault(verb: "create", rate: 0.5, code: 429, retryAfterSeconds: 1)], seed: 3))
    let h = try await Harness.make(.rest, sim: sim, retry: RetryPolicy(maxAttempts: 12))
    for i in 0..<6 { _ = try await h.api.create(Fixtures.configMap("t-\(i)"), options: WriteOptions()) }
    #expect(try await h.api.list(Fixtures.configMapGVK, namespace: "llm").items.count == 6)
    let posts = h.wire?.count("POST", "/api/v1/namespaces/llm/configmaps") ?? 0
    #expect(posts > 6)
    #expect(h.clock.sleeps.filter { $0 == .seconds(1) }.count == posts - 6)
    await h.close()
  }

  @Test func survivesConnectionResets() async throws {
    let h = try await Harness.make(
      .rest, sim: KubeSim(scenario: Fixtures.scenario()), faults: ServerFaults(connectionResetRate: 0.3, seed: 11),
      retry: RetryPolicy(maxAttempts: 12))
    _ = try await h.api.apply(Fixtures.configMap("r"), options: ApplyOptions(fieldManager: "release"))
    for _ in 0..<20 { #expect(try await h.api.get(Fixtures.configMapID("r")).name == "r") }
    // Some of those reads were cut off and sent again.
    #expect((h.wire?.count("GET", "/configmaps/r") ?? 0) > 20)
    await h.close()
  }

  @Test(arguments: [false, true])
  func watchesThroughDroppedStreamsWithoutLosingOrRepeatingEvents(_ bookmarks: Bool) async throws {
    let h = try await Harness.make(
      .rest, sim: KubeSim(scenario: Fixtures.scenario()), faults: ServerFaults(watchEventLimit: 2))
    let start = try await h.api.list(Fixtures.configMapGVK, namespace: "llm").resourceVersion
    let stream = try await h.api.watch(
      Fixtures.configMapGVK, namespace: "llm",
      options: ListOptions(resourceVersion: start, allowWatchBookmarks: bookmarks))
    for i in 0..<7 { _ = try await h.api.create(Fixtures.configMap("w-\(i)"), options: WriteOptions()) }
    var names: [String] = []
    for try await event in stream where event.type != .bookmark {
      names.append("\(event.type.rawValue) \(event.object.name ?? "")")
      if names.count == 7 { break }
    }
    #expect(names == (0..<7).map { "ADDED w-\($0)" })
    // Seven events at two per connection: the watch was re-established from where it stopped.
    #expect((h.wire?.count("GET", "/api/v1/namespaces/llm/configmaps") ?? 0) >= 4)
    await h.close()
  }

  /// The API server restarts with its watch history compacted: the client's resumed watch
  /// gets 410, and the watcher relists and carries on.
  @Test func resourceWatcherRelistsWhenTheServerForgotItsVersion() async throws {
    let user = ServerUser(name: "ops", groups: ["system:masters"], token: "ops-token")
    let first = KubeSim(scenario: Fixtures.scenario())
    let serverA = KubeSimServer(sim: first, options: ServerOptions(tls: false, users: [user]))
    let endpoint = try await serverA.start()
    let retry = RetryPolicy(maxAttempts: 40, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100))
    let client = try RESTClient(
      connection: ClusterConnection(server: endpoint.url, namespace: "llm", contextName: "restart"),
      credentials: FixedToken(token: "ops-token"), retry: retry)
    for name in ["a", "b"] { _ = try await client.create(Fixtures.configMap(name), options: WriteOptions()) }

    let watcher = ResourceWatcher(api: client, gvk: Fixtures.configMapGVK, namespace: "llm", retry: retry)
    var events = watcher.events().makeAsyncIterator()
    #expect(try await events.next().map(Self.summary) == "synced a,b")
    _ = try await client.create(Fixtures.configMap("c"), options: WriteOptions())
    #expect(try await events.next().map(Self.summary) == "added c")

    await serverA.shutdown()
    _ = try await first.create(Fixtures.configMap("d"), options: WriteOptions())
    _ = try await first.delete(Fixtures.configMapID("a"), options: DeleteOptions())
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try await SimSnapshot.save(first, to: file)
    let restarted = try SimSnapshot.load(file, scenario: Fixtures.scenario())
    let serverB = KubeSimServer(sim: restarted, options: ServerOptions(tls: false, port: endpoint.port, users: [user]))
    _ = try await serverB.start()

    #expect(try await events.next().map(Self.summary) == "synced b,c,d")
    _ = try await client.create(Fixtures.configMap("e"), options: WriteOptions())
    #expect(try await events.next().map(Self.summary) == "added e")
    await serverB.shutdown()
  }

  static func summary(_ event: ResourceWatcher.Event) -> String {
    switch event {
    case .synced(let items): return "synced " + items.compactMap(\.name).joined(separator: ",")
    case .added(let object): return "added \(object.name ?? "")"
    case .modified(let object): return "modified \(object.name ?? "")"
    case .deleted(let object): return "deleted \(object.name ?? "")"
    }
  }
}

private struct FixedToken: CredentialSource {
  let token: String
  func current() async throws(KubeError) -> ResolvedCredentials { .bearerToken(token) }
  func invalidate() async {}
}
