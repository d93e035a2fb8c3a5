import Foundation
import Kube
import Manifest
import Testing

@Suite("REST client watches")
struct RESTWatchTests {
  let podsPath = "/api/v1/namespaces/default/pods"

  static func event(_ type: String, _ name: String, rv: String) -> Value {
    ["line": .string(JSON.string(["type": .string(type), "object": RESTFixtures.pod(name, resourceVersion: rv)]))]
  }

  @Test func resumesFromTheLastVersionAfterTheConnectionDrops() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podsPath, query: "watch=true",
          [
            // The first connection is cut mid-stream (no terminating chunk), the second reset.
            StubServer.stream([Self.event("ADDED", "a", rv: "5"), Self.event("MODIFIED", "a", rv: "6")]),
            StubServer.stream([Self.event("ADDED", "b", rv: "7"), ["reset": true]]),
            StubServer.stream([Self.event("DELETED", "a", rv: "9"), ["wait": "never"]]),
          ])
      ])
    let client = try RESTFixtures.client(server)
    let stream = try await client.watch(
      RESTFixtures.podGVK, namespace: "default", options: ListOptions(resourceVersion: "4", allowWatchBookmarks: true))
    var seen: [String] = []
    for try await event in stream {
      seen.append(
        "\(event.type.rawValue) \(event.object.name ?? "") \(event.object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "")"
      )
      if seen.count == 4 { break }
    }
    #expect(seen == ["ADDED a 5", "MODIFIED a 6", "ADDED b 7", "DELETED a 9"])
    let queries = try server.requests("GET", podsPath).compactMap { $0["query"]?.stringValue }
    #expect(
      queries == [
        "watch=true&resourceVersion=4&allowWatchBookmarks=true",
        "watch=true&resourceVersion=6&allowWatchBookmarks=true",
        "watch=true&resourceVersion=7&allowWatchBookmarks=true",
      ])
  }

  @Test func watchingFromNowStartsAtTheListedVersion() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podsPath, query: "watch=true",
          [StubServer.stream([Self.event("ADDED", "a", rv: "12"), ["end": true]])]),
        StubServer.route(
          "GET", podsPath,
          [StubServer.reply(200, ["kind": "PodList", "metadata": ["resourceVersion": "11"], "items": []])]),
      ])
    let stream = try await RESTFixtures.client(server).watch(
      RESTFixtures.podGVK, namespace: "default", options: ListOptions(timeoutSeconds: 30))
    var names: [String] = []
    for try await event in stream { names.append(event.object.name ?? "") }
    #expect(names == ["a"])
    let queries = try server.requests("GET", podsPath).compactMap { $0["query"]?.stringValue }
    #expect(queries == ["limit=1", "watch=true&resourceVersion=11&timeoutSeconds=30"])
  }

  @Test func endsWithGoneOnAnExpiredErrorEvent() async throws {
    let expired = RESTFixtures.status(410, "Expired", "too old resource version: 4 (10)")
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podsPath, query: "watch=true",
          [
            StubServer.stream([
              ["line": .string(JSON.string(["type": "ERROR", "object": expired]))], ["wait": "never"],
            ])
          ])
      ])
    let stream = try await RESTFixtures.client(server).watch(
      RESTFixtures.podGVK, namespace: "default", options: ListOptions(resourceVersion: "4"))
    let error = await #expect(throws: KubeError.self) { for try await _ in stream {} }
    #expect(error?.isGone == true)
  }

  @Test func deliversTheEventsBeforeAnErrorInTheSameChunk() async throws {
    let expired = RESTFixtures.status(410, "Expired", "too old resource version")
    let both =
      JSON.string(["type": "ADDED", "object": RESTFixtures.pod("a", resourceVersion: "5")]) + "\n"
      + JSON.string(["type": "ERROR", "object": expired])
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podsPath, query: "watch=true", [StubServer.stream([["line": .string(both)], ["wait": "never"]])])
      ])
    let stream = try await RESTFixtures.client(server).watch(
      RESTFixtures.podGVK, namespace: "default", options: ListOptions(resourceVersion: "4"))
    var names: [String] = []
    let error = await #expect(throws: KubeError.self) {
      for try await event in stream { names.append(event.object.name ?? "") }
    }
    #expect(names == ["a"])
    #expect(error?.isGone == true)
  }

  @Test func throwsGoneWhenTheServerRefusesTheVersion() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", podsPath, query: "watch=true", [StubServer.reply(410, RESTFixtures.status(410, "Gone", "too old"))])
      ])
    let client = try RESTFixtures.client(server)
    let error = await #expect(throws: KubeError.self) {
      _ = try await client.watch(RESTFixtures.podGVK, namespace: "default", options: ListOptions(resourceVersion: "1"))
    }
    #expect(error?.isGone == true)
  }
}

@Suite("REST building blocks")
struct RESTBuildingBlockTests {
  @Test func lineDecoderJoinsLinesSplitAcrossChunks() throws {
    var decoder = WatchLineDecoder()
    #expect(decoder.lines(after: Data(#"{"type":"ADDED","ob"#.utf8)).isEmpty)
    let lines = decoder.lines(after: Data("ject\":{}}\r\n\n{\"type\":\"BOOKMARK\",\"object\":{}}\n{\"ty".utf8))
    #expect(
      lines.map { String(decoding: $0, as: UTF8.self) } == [
        #"{"type":"ADDED","object":{}}"#, #"{"type":"BOOKMARK","object":{}}"#,
      ])
    #expect(try WatchLineDecoder.event(from: lines[1]).type == .bookmark)
    #expect(decoder.remainder().map { String(decoding: $0, as: UTF8.self) } == #"{"ty"#)
  }

  @Test func errorEventsBecomeTheirStatus() {
    let line = Array(JSON.string(["type": "ERROR", "object": RESTFixtures.status(410, "Expired", "too old")]).utf8)
    #expect(throws: KubeError.gone("too old")) { try WatchLineDecoder.event(from: line) }
  }

  @Test(arguments: [
    (429, RetryPolicy.Safety.notIdempotent, true), (500, .notIdempotent, false), (500, .idempotent, true),
    (502, .idempotent, true), (503, .idempotent, true), (504, .idempotent, true), (503, .notIdempotent, false),
    (409, .idempotent, false), (404, .idempotent, false),
  ])
  func retriesOnlyWhatIsSafe(_ code: Int, _ safety: RetryPolicy.Safety, _ retried: Bool) {
    let policy = RetryPolicy()
    let wait = policy.delay(afterStatus: code, retryAfterSeconds: nil, attempt: 1, safety: safety, random: 0)
    #expect((wait != nil) == retried)
  }

  @Test func backoffDoublesUpToTheCapAndHonoursRetryAfter() {
    let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(5), jitter: 0)
    let waits = (1...5).map {
      policy.delay(afterStatus: 503, retryAfterSeconds: nil, attempt: $0, safety: .idempotent, random: 0.9)
    }
    #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    #expect(
      policy.delay(afterStatus: 429, retryAfterSeconds: 7, attempt: 1, safety: .notIdempotent, random: 0) == .seconds(7)
    )
    #expect(policy.delay(afterStatus: 503, retryAfterSeconds: nil, attempt: 10, safety: .idempotent, random: 0) == nil)
  }

  @Test func statusBodiesKeepTheirCausesAndRetryAfter() {
    let body = JSON.string(
      RESTFixtures.status(
        429, "TooManyRequests", "slow", details: ["causes": [["reason": "DisruptionBudget", "message": "m"]]]))
    let error = StatusDecoding.error(status: 429, headers: [HTTPHeader("Retry-After", "4")], body: Data(body.utf8))
    #expect(
      error
        == .status(
          Status(
            code: 429, reason: .tooManyRequests, message: "slow",
            details: StatusDetails(
              causes: [StatusCause(type: "DisruptionBudget", field: "", message: "m")], retryAfterSeconds: 4))))
  }
}
