import Foundation
import Kube
import KubeTestSupport
import Manifest
import Testing

@Suite("REST client retries")
struct RESTClientRetryTests {
  let podPath = "/api/v1/namespaces/default/pods/web-0"
  let podsPath = "/api/v1/namespaces/default/pods"
  var podID: ResourceID { ResourceID(gvk: RESTFixtures.podGVK, namespace: "default", name: "web-0") }

  @Test func retriesTooManyRequestsAfterTheRetryAfterHeader() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podPath,
          [
            StubServer.reply(
              429, RESTFixtures.status(429, "TooManyRequests", "slow down"), headers: ["Retry-After": "3"]),
            StubServer.reply(200, RESTFixtures.pod("web-0")),
          ])
      ])
    let clock = RecordingClock()
    let pod = try await RESTFixtures.client(server, clock: clock).get(podID)
    #expect(pod.name == "web-0")
    #expect(clock.sleeps == [.seconds(3)])
    #expect(try server.requests("GET", podPath).count == 2)
  }

  @Test func retriesServiceUnavailableWithJitteredBackoff() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podPath,
          [
            StubServer.reply(503, "<html>down</html>"), StubServer.reply(503),
            StubServer.reply(200, RESTFixtures.pod("web-0")),
          ])
      ])
    let clock = RecordingClock()
    let retry = RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), jitter: 0.5)
    _ = try await RESTFixtures.client(server, clock: clock, retry: retry).get(podID)
    let sleeps = clock.sleeps
    #expect(sleeps.count == 2)
    #expect(sleeps[0] >= .milliseconds(100) && sleeps[0] <= .milliseconds(150))
    #expect(sleeps[1] >= .milliseconds(200) && sleeps[1] <= .milliseconds(300))
  }

  @Test func givesUpAfterTheConfiguredAttempts() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podPath, [StubServer.reply(503, RESTFixtures.status(503, "ServiceUnavailable", "overloaded"))])
      ])
    let clock = RecordingClock()
    let client = try RESTFixtures.client(server, clock: clock, retry: RetryPolicy(maxAttempts: 3))
    let error = await #expect(throws: KubeError.self) { try await client.get(podID) }
    #expect(error?.code == 503)
    #expect(error?.reason == .serviceUnavailable)
    #expect(try server.requests("GET", podPath).count == 3)
    #expect(clock.sleeps.count == 2)
  }

  @Test func retriesAReadAfterAConnectionReset() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("GET", podPath, [StubServer.reset, StubServer.reply(200, RESTFixtures.pod("web-0"))])
      ])
    let pod = try await RESTFixtures.client(server).get(podID)
    #expect(pod.name == "web-0")
    #expect(try server.requests("GET", podPath).count == 2)
  }

  @Test func doesNotRetryACreateAfterAnInternalError() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "POST", podsPath,
          [
            StubServer.reply(500, RESTFixtures.status(500, "InternalError", "etcd hiccup")),
            StubServer.reply(201, RESTFixtures.pod("web-0")),
          ])
      ])
    let client = try RESTFixtures.client(server)
    let error = await #expect(throws: KubeError.self) {
      try await client.create(RESTFixtures.pod("web-0"), options: WriteOptions())
    }
    #expect(error?.code == 500)
    #expect(try server.requests("POST", podsPath).count == 1)
  }

  @Test func doesNotRetryACreateAfterAConnectionReset() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("POST", podsPath, [StubServer.reset, StubServer.reply(201, RESTFixtures.pod("web-0"))])
      ])
    let client = try RESTFixtures.client(server)
    let error = await #expect(throws: KubeError.self) {
      try await client.create(RESTFixtures.pod("web-0"), options: WriteOptions())
    }
    guard case .transport = error else {
      Issue.record("expected a transport error, got \(String(describing: error))")
      return
    }
    #expect(try server.requests("POST", podsPath).count == 1)
  }

  /// A repeated eviction would take a second pod's disruption budget; a repeated strategic-merge
  /// or JSON patch may apply twice (a list append): each reaches the server once, whatever the
  /// failure. A server-side apply is declarative, so it is retried.
  @Test(arguments: ["eviction 500", "eviction reset", "merge reset", "json 503"])
  func evictionsAndNonApplyPatchesReachTheServerOnce(case name: String) async throws {
    let failure = name.hasSuffix("reset") ? StubServer.reset
      : StubServer.reply(name.hasSuffix("500") ? 500 : 503, RESTFixtures.status(500, "InternalError", "etcd hiccup"))
    let isEviction = name.hasPrefix("eviction")
    let path = isEviction ? podPath + "/eviction" : podPath
    let method = isEviction ? "POST" : "PATCH"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [StubServer.route(method, path, [failure, StubServer.reply(201, RESTFixtures.pod("web-0"))])])
    let client = try RESTFixtures.client(server, clock: RecordingClock())
    await #expect(throws: KubeError.self) {
      if isEviction {
        try await client.evict(podID, options: DeleteOptions())
      } else {
        _ = try await client.patch(
          podID, type: name.hasPrefix("merge") ? .strategicMerge : .json,
          body: name.hasPrefix("merge") ? ["metadata": ["labels": ["a": "b"]]] : [["op": "add", "path": "/metadata/labels/a", "value": "b"]],
          subresource: nil, options: WriteOptions())
      }
    }
    #expect(try server.requests(method, path).count == 1)
  }

  @Test func aServerSideApplyIsRetriedAfterAConnectionReset() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [StubServer.route("PATCH", podPath, [StubServer.reset, StubServer.reply(200, RESTFixtures.pod("web-0"))])])
    let client = try RESTFixtures.client(server, clock: RecordingClock())
    _ = try await client.apply(RESTFixtures.pod("web-0"), options: ApplyOptions(fieldManager: "release", force: true))
    #expect(try server.requests("PATCH", podPath).count == 2)
  }

  @Test func retriesACreateRejectedWithTooManyRequests() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "POST", podsPath,
          [
            StubServer.reply(
              429, RESTFixtures.status(429, "TooManyRequests", "busy", details: ["retryAfterSeconds": 2])),
            StubServer.reply(201, RESTFixtures.pod("web-0")),
          ])
      ])
    let clock = RecordingClock()
    _ = try await RESTFixtures.client(server, clock: clock).create(RESTFixtures.pod("web-0"), options: WriteOptions())
    #expect(try server.requests("POST", podsPath).count == 2)
    #expect(clock.sleeps == [.seconds(2)])
  }

  @Test func retriesAConnectionThatWasRefused() async throws {
    let connection = ClusterConnection(server: "http://127.0.0.1:\(try closedPort())", contextName: "nowhere")
    let clock = RecordingClock()
    let client = try RESTClient(
      connection: connection, credentials: StaticCredentials(value: .bearerToken("s3cr3t-token")),
      retry: RetryPolicy(maxAttempts: 3), clock: clock)
    let error = await #expect(throws: KubeError.self) { try await client.discovery() }
    guard case .transport(let message) = error else {
      Issue.record("expected a transport error")
      return
    }
    #expect(!message.contains("s3cr3t"))
    #expect(clock.sleeps.count == 2)
  }

  @Test func renewsCredentialsOnceAfterUnauthorized() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podPath,
          [
            StubServer.reply(401, RESTFixtures.status(401, "Unauthorized", "Unauthorized")),
            StubServer.reply(200, RESTFixtures.pod("web-0")),
          ])
      ])
    let tokens = RotatingTokens(["old-token", "new-token"])
    _ = try await RESTFixtures.client(server, credentials: tokens).get(podID)
    let sent = try server.requests("GET", podPath).compactMap { $0[path: ["headers", "authorization"]]?.stringValue }
    #expect(sent == ["Bearer old-token", "Bearer new-token"])
    #expect(await tokens.invalidations == 1)
  }

  @Test func reportsUnauthorizedWhenFreshCredentialsFailToo() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podPath, [StubServer.reply(401, RESTFixtures.status(401, "Unauthorized", "Unauthorized"))])
      ])
    let tokens = RotatingTokens(["old-token", "new-token"])
    let client = try RESTFixtures.client(server, credentials: tokens)
    let error = await #expect(throws: KubeError.self) { try await client.get(podID) }
    #expect(error?.reason == .unauthorized)
    #expect(try server.requests("GET", podPath).count == 2)
    #expect(!"\(error!)".contains("token"))
  }
}
