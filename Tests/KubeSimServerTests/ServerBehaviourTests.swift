import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// HTTP-level behaviour kubectl does not expose: watch streaming and its ends, faults,
/// pagination, Retry-After, dry runs. Virtual time stands still (speed 0) unless a test says.
@Suite("KubeSimServer HTTP behaviour")
struct ServerBehaviourTests {
  static let configMapGVK = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

  static func configMap(_ name: String) -> Value {
    ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "llm"], "data": ["k": "v"]]
  }

  func withServer(
    tls: Bool = false, scenario: Scenario = ServerFixtures.scenario(), faults: ServerFaults = ServerFaults(),
    _ body: (KubeSimServer, ServerEndpoint) async throws -> Void
  ) async throws {
    let server = KubeSimServer(sim: KubeSim(scenario: scenario), options: ServerOptions(tls: tls, faults: faults))
    let endpoint = try await server.start()
    do {
      try await body(server, endpoint)
    } catch {
      await server.shutdown()
      throw error
    }
    await server.shutdown()
  }

  @Test func watchEventsAreFlushedAsTheyHappen() async throws {
    try await withServer { server, endpoint in
      let version = try await server.sim.list(Self.configMapGVK, namespace: "llm").resourceVersion
      // curl gives up after 3 s, long before the watch's own timeout: whatever it printed was flushed live.
      async let watch = Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps?watch=1&resourceVersion=\(version)&timeoutSeconds=60", token: endpoint.token,
        extra: ["--max-time", "3"])
      #expect(try await eventually { await server.sim.openWatches == 1 })
      _ = try await server.sim.create(Self.configMap("live"), options: WriteOptions())
      // Another request is answered while the watch holds its connection.
      let version2 = try await Curl.run(endpoint, "/version", token: endpoint.token)
      #expect(version2.output.contains("\"minor\":\"32\""))
      let result = try await watch
      #expect(result.exitCode == 28, "curl timed out, the watch was still open")
      let events = try result.lines.map { try JSON.parse($0) }
      #expect(events.map { $0["type"] } == ["ADDED"])
      #expect(events.first?[path: ["object", "metadata", "name"]] == "live")
    }
  }

  @Test func watchWithoutVersionStartsWithCurrentObjectsAndEndsOnTimeout() async throws {
    try await withServer { _, endpoint in
      // Without the server ending it, curl would give up with exit code 28.
      let result = try await Curl.run(endpoint, "/api/v1/nodes?watch=true&timeoutSeconds=1", token: endpoint.token, extra: ["--max-time", "600"])
      #expect(result.exitCode == 0, "timeoutSeconds ends the watch")
      let events = try result.lines.map { try JSON.parse($0) }
      #expect(events.map { $0["type"] } == ["ADDED", "ADDED", "ADDED"])
      #expect(events.compactMap { $0[path: ["object", "metadata", "name"]]?.stringValue } == ["gpu-1", "gpu-2", "gpu-3"])
    }
  }

  @Test func watchSelectorsFilterEventsAndBookmarksReportProgress() async throws {
    try await withServer { server, endpoint in
      let version = try await server.sim.list(Self.configMapGVK, namespace: "llm").resourceVersion
      async let watch = Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps?watch=1&resourceVersion=\(version)&fieldSelector=metadata.name%3Dwanted&allowWatchBookmarks=true&timeoutSeconds=2",
        token: endpoint.token)
      // Changes made before the watch is registered would arrive as its replay, without a bookmark.
      #expect(try await eventually { await server.sim.openWatches == 1 })
      _ = try await server.sim.create(Self.configMap("other"), options: WriteOptions())
      _ = try await server.sim.create(Self.configMap("wanted"), options: WriteOptions())
      let events = try await watch.lines.map { try JSON.parse($0) }
      let changes = events.filter { $0["type"] != "BOOKMARK" }
      #expect(changes.map { $0[path: ["object", "metadata", "name"]] } == ["wanted"])
      #expect(events.contains { $0["type"] == "BOOKMARK" })
    }
  }

  @Test func tooOldResourceVersionEndsTheWatchWithAnExpiredEvent() async throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    // A restored cluster keeps no change log, so every older version is compacted away.
    try await SimSnapshot.save(KubeSim(scenario: ServerFixtures.scenario()), to: file)
    let sim = try SimSnapshot.load(file, scenario: ServerFixtures.scenario())
    let server = KubeSimServer(sim: sim, options: ServerOptions(tls: false))
    let endpoint = try await server.start()
    let result = try await Curl.run(endpoint, "/api/v1/nodes?watch=1&resourceVersion=1", token: endpoint.token, extra: ["-w", "\n%{http_code}"])
    await server.shutdown()
    #expect(result.lines.last == "200")
    let event = try JSON.parse(result.lines.first ?? "")
    #expect(event["type"] == "ERROR")
    #expect(event[path: ["object", "code"]] == 410)
    #expect(event[path: ["object", "reason"]] == "Expired")
  }

  @Test func shutdownEndsOpenWatches() async throws {
    let server = KubeSimServer(sim: KubeSim(scenario: ServerFixtures.scenario()), options: ServerOptions(tls: true))
    let endpoint = try await server.start()
    async let watch = Curl.run(endpoint, "/api/v1/namespaces/llm/pods?watch=1&timeoutSeconds=3600", token: endpoint.token, extra: ["--max-time", "600"])
    #expect(try await eventually { await server.sim.openWatches == 1 })
    await server.shutdown()
    let result = try await watch
    // The server closes the connection (curl: 18 mid-stream, 52 or 56 before the first bytes);
    // only curl's own limit would give 28.
    #expect(result.exitCode != 28, "the watch ended with the server, not at curl's limit (exit code \(result.exitCode))")
    #expect(try await eventually { await server.sim.openWatches == 0 }, "the simulation's watch was released")
  }

  @Test func faultsResetConnectionsAndCutWatches() async throws {
    try await withServer(faults: ServerFaults(connectionResetRate: 1)) { _, endpoint in
      let reset = try await Curl.run(endpoint, "/api/v1/nodes", token: endpoint.token)
      #expect(reset.exitCode == 52, "curl: empty reply from server")
    }
    try await withServer(faults: ServerFaults(watchEventLimit: 2)) { _, endpoint in
      let cut = try await Curl.run(endpoint, "/api/v1/nodes?watch=1&timeoutSeconds=3600", token: endpoint.token, extra: ["--max-time", "600"])
      #expect(cut.exitCode == 0, "cut by the event limit, not at curl's limit (exit code 28)")
      #expect(cut.lines.count == 2)
    }
    try await withServer(faults: ServerFaults(watchDuration: .milliseconds(500))) { _, endpoint in
      let cut = try await Curl.run(endpoint, "/api/v1/nodes?watch=1&timeoutSeconds=3600", token: endpoint.token, extra: ["--max-time", "600"])
      #expect(cut.exitCode == 0, "cut after 500 ms, not at curl's limit (exit code 28)")
      #expect(cut.lines.count == 3, "the initial events, then the server ends the watch")
    }
  }

  @Test func tooManyRequestsCarriesRetryAfter() async throws {
    var scenario = ServerFixtures.scenario()
    scenario.faults = [Scenario.Fault(verb: "list", rate: 1, code: 429, retryAfterSeconds: 7)]
    try await withServer(scenario: scenario) { _, endpoint in
      let result = try await Curl.run(endpoint, "/api/v1/namespaces/llm/pods", token: endpoint.token, extra: ["-i"])
      #expect(result.lines.first?.hasPrefix("HTTP/1.1 429") == true)
      #expect(result.lines.contains { $0.lowercased() == "retry-after: 7" }, "\(result.output)")
      let status = try JSON.parse(result.lines.last ?? "")
      #expect(status["reason"] == "TooManyRequests")
      #expect(status[path: ["details", "retryAfterSeconds"]] == 7)
    }
  }

  @Test func listPagesWithLimitAndContinue() async throws {
    try await withServer { _, endpoint in
      let first = try JSON.parse(try await Curl.run(endpoint, "/api/v1/nodes?limit=2", token: endpoint.token).output)
      #expect(first["items"]?.arrayValue?.compactMap(\.name) == ["gpu-1", "gpu-2"])
      let token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
      let second = try JSON.parse(try await Curl.run(endpoint, "/api/v1/nodes?limit=2&continue=\(token)", token: endpoint.token).output)
      #expect(second["items"]?.arrayValue?.compactMap(\.name) == ["gpu-3"])
      #expect(second[path: ["metadata", "continue"]] == nil)
    }
  }

  @Test func dryRunCreatesNothingAndErrorsAreStatusObjects() async throws {
    try await withServer { server, endpoint in
      let body = JSON.string(Self.configMap("draft"))
      let dry = try await Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps?dryRun=All", token: endpoint.token,
        extra: ["-X", "POST", "-H", "Content-Type: application/json", "-d", body, "-w", "\n%{http_code}"])
      #expect(dry.lines.last == "201")
      #expect(try JSON.parse(dry.lines[0]).name == "draft")
      #expect(try await server.sim.list(Self.configMapGVK, namespace: "llm").items.isEmpty)
      // A client that waits for 100 Continue (as libcurl does for larger bodies) is told to go on at once.
      let expecting = try await Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps", token: endpoint.token,
        extra: [
          "-X", "POST", "-H", "Content-Type: application/json", "-H", "Expect: 100-continue", "--expect100-timeout", "3600", "--max-time", "600",
          "-d", body, "-w", "\n%{http_code}",
        ])
      #expect(expecting.exitCode == 0, "told to go on, not left to curl's limit (exit code 28)")
      #expect(expecting.lines.last == "201")
      let protobuf = try await Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps", token: endpoint.token,
        extra: ["-X", "POST", "-H", "Content-Type: application/vnd.kubernetes.protobuf", "-d", "k8s", "-w", "\n%{http_code}"])
      #expect(protobuf.lines.last == "415")
      let missing = try await Curl.run(endpoint, "/api/v1/namespaces/llm/configmaps/nope", token: endpoint.token, extra: ["-w", "\n%{http_code}"])
      #expect(missing.lines.last == "404")
      let status = try JSON.parse(missing.lines[0])
      #expect(status["kind"] == "Status")
      #expect(status["message"] == #"configmaps "nope" not found"#)
    }
  }

  @Test func scaleSubresourceReadsAndWrites() async throws {
    try await withServer { server, endpoint in
      let app = try YAMLReader.documents(ServerFixtures.app(), file: "app.yaml")
      _ = try await server.sim.create(app[0], options: WriteOptions())
      let path = "/apis/apps/v1/namespaces/llm/deployments/vllm/scale"
      let scale = try JSON.parse(try await Curl.run(endpoint, path, token: endpoint.token).output)
      #expect(scale["kind"] == "Scale")
      #expect(scale[path: ["spec", "replicas"]] == 1)
      #expect(scale[path: ["status", "selector"]] == "app=vllm")
      var wanted = scale
      wanted[path: ["spec", "replicas"]] = 3
      let put = ["-X", "PUT", "-H", "Content-Type: application/json", "-w", "\n%{http_code}", "-d"]
      let updated = try await Curl.run(endpoint, path, token: endpoint.token, extra: put + [JSON.string(wanted)])
      #expect(updated.lines.last == "200")
      #expect(try JSON.parse(updated.lines[0])[path: ["spec", "replicas"]] == 3)
      #expect(try await server.sim.get(ServerFixtures.deploymentID)[path: ["spec", "replicas"]] == 3)
      // The old resourceVersion no longer matches: optimistic concurrency refuses the write.
      wanted[path: ["spec", "replicas"]] = 5
      let stale = try await Curl.run(endpoint, path, token: endpoint.token, extra: put + [JSON.string(wanted)])
      #expect(stale.lines.last == "409")
      #expect(try await server.sim.get(ServerFixtures.deploymentID)[path: ["spec", "replicas"]] == 3)
    }
  }

  @Test func deleteCollectionRemovesWhatTheSelectorMatches() async throws {
    try await withServer { server, endpoint in
      for (name, tier) in [("a", "cache"), ("b", "cache"), ("c", "model")] {
        var map = Self.configMap(name)
        map[path: ["metadata", "labels"]] = ["tier": .string(tier)]
        _ = try await server.sim.create(map, options: WriteOptions())
      }
      let result = try await Curl.run(
        endpoint, "/api/v1/namespaces/llm/configmaps?labelSelector=tier%3Dcache", token: endpoint.token, extra: ["-X", "DELETE", "-w", "\n%{http_code}"])
      #expect(result.lines.last == "200")
      #expect(try await server.sim.list(Self.configMapGVK, namespace: "llm").items.compactMap(\.name) == ["c"])
    }
  }

  @Test func manyRequestsAreServedWhileWatchesAreOpen() async throws {
    try await withServer(tls: true) { server, endpoint in
      // The watches stay open until the server shuts down, so every list answered meanwhile
      // was answered while they were open.
      async let watches = withThrowingTaskGroup(of: Curl.Response.self) { group in
        for _ in 0..<4 {
          group.addTask { try await Curl.run(endpoint, "/api/v1/pods?watch=1&timeoutSeconds=3600", token: endpoint.token, extra: ["--max-time", "600"]) }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(try await eventually { await server.sim.openWatches == 4 })
      let lists = try await withThrowingTaskGroup(of: Curl.Response.self) { group in
        for _ in 0..<12 { group.addTask { try await Curl.run(endpoint, "/api/v1/nodes", token: endpoint.token) } }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(try lists.allSatisfy { try JSON.parse($0.output)["items"]?.arrayValue?.count == 3 })
      #expect(lists.count == 12)
      #expect(await server.sim.openWatches == 4, "every list was answered while the watches stayed open")
      await server.shutdown()
      // Ended by the shutdown (curl: 18, transfer closed), not by curl's limit (28).
      #expect(try await watches.allSatisfy { $0.exitCode != 28 })
    }
  }

  @Test func aRestartWithTheSavedAuthorityKeepsKubeconfigsValid() async throws {
    let sim = KubeSim(scenario: ServerFixtures.scenario())
    let first = KubeSimServer(sim: sim, options: ServerOptions(tls: true))
    let before = try await first.start()
    let authority = try await first.certificateAuthority()
    await first.shutdown()
    let kubectl = try Kubectl(endpoint: before, credential: .clientCertificate)
    defer { kubectl.remove() }
    let second = KubeSimServer(sim: sim, options: ServerOptions(tls: true, port: before.port, certificateAuthority: authority))
    let after = try await second.start()
    let result = try await kubectl("get", "nodes", "-o", "name")
    await second.shutdown()
    #expect(after.caPEM == before.caPEM)
    #expect(result.status == 0, "the old kubeconfig's CA and client certificate still work: \(result.output)")
    #expect(result.stdout.contains("node/gpu-1"))
  }

  @Test func speedCanChangeWhileServing() async throws {
    try await withServer { server, _ in
      let start = await server.sim.now
      try await Task.sleep(for: .milliseconds(200))
      #expect(await server.sim.now == start, "speed 0 leaves the clock alone")
      server.setSpeed(1000)
      try await Task.sleep(for: .milliseconds(300))
      server.setSpeed(0)
      let advanced = start.duration(to: await server.sim.now)
      #expect(advanced >= .seconds(100), "\(advanced)")
      // A tick already under way may still land; after that the clock stands still.
      try await Task.sleep(for: .milliseconds(100))
      let stopped = await server.sim.now
      try await Task.sleep(for: .milliseconds(200))
      #expect(await server.sim.now == stopped, "speed 0 stops the clock again")
    }
  }

  /// kubectl asks for aggregated discovery first; with it, one request describes every group.
  @Test func aggregatedDiscoveryWhenAskedFor() async throws {
    try await withServer { _, endpoint in
      let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
      let response = try await Curl.run(endpoint, "/apis", token: endpoint.token, extra: ["-H", "Accept: \(accept)", "-w", "\n%{content_type}"])
      #expect(response.lines.last == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
      let list = try JSON.parse(response.lines.dropLast().joined(separator: "\n"))
      #expect(list["kind"] == "APIGroupDiscoveryList")
      let apps = list["items"]?.arrayValue?.first { $0[path: ["metadata", "name"]] == "apps" }
      let deployments = apps?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == "deployments" }
      #expect(deployments?["scope"] == "Namespaced")
      #expect(deployments?["responseKind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
      let scale = deployments?["subresources"]?.arrayValue?.first { $0["subresource"] == "scale" }
      #expect(scale?["responseKind"] == ["group": "autoscaling", "version": "v1", "kind": "Scale"])

      let core = try JSON.parse(try await Curl.run(endpoint, "/api", token: endpoint.token, extra: ["-H", "Accept: \(accept)"]).output)
      let pods = core["items"]?.arrayValue?.first?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == "pods" }
      #expect(pods?["subresources"]?.arrayValue?.contains { $0["subresource"] == "eviction" } == true)

      // Without the media type the legacy documents answer, as for older clients.
      let legacy = try JSON.parse(try await Curl.run(endpoint, "/apis", token: endpoint.token).output)
      #expect(legacy["kind"] == "APIGroupList")
    }
  }

  @Test func tablesCarryUpstreamColumns() async throws {
    try await withServer { server, endpoint in
      let accept = ["-H", "Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json"]
      let table = try JSON.parse(try await Curl.run(endpoint, "/api/v1/nodes", token: endpoint.token, extra: accept).output)
      #expect(table["kind"] == "Table")
      let columns = table["columnDefinitions"]?.arrayValue?.filter { $0["priority"] == 0 }.compactMap { $0["name"]?.stringValue }
      #expect(columns == ["Name", "Status", "Roles", "Age", "Version"])
      #expect(table["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.prefix(2) == ["gpu-1", "Ready"])
      #expect(table["rows"]?.arrayValue?.first?[path: ["object", "kind"]] == "PartialObjectMetadata")

      let hpa: Value = [
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ["name": "vllm", "namespace": "llm"],
        "spec": [
          "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm"], "minReplicas": 1, "maxReplicas": 4,
          "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]],
        ],
      ]
      _ = try await server.sim.create(hpa, options: WriteOptions())
      let hpas = try JSON.parse(try await Curl.run(endpoint, "/apis/autoscaling/v2/namespaces/llm/horizontalpodautoscalers", token: endpoint.token, extra: accept).output)
      #expect(hpas["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"])
      let cells = hpas["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
      #expect(cells.prefix(5) == ["vllm", "Deployment/vllm", "<unknown>/80%", 1, 4])
    }
  }
}
