import Kube
import KubeSim
import Manifest
import Testing

@Suite struct ServiceAndRollbackTests {
  @Test func endpointSlicesListReadyAddressesOfSelectedPods() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 3, load: 60))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2, readinessDelay: 30), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.apply(
      ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "vllm", "namespace": "llm"],
       "spec": ["selector": ["app": "vllm"], "ports": [["name": "http", "port": 80, "targetPort": 8000]]]],
      options: ApplyOptions(fieldManager: "release"))
    let sliceID = ResourceID(gvk: GroupVersionKind(group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice"), namespace: "llm", name: "vllm-sim")
    await sim.advance(by: .seconds(20))
    var slice = try await sim.get(sliceID)
    #expect(slice["endpoints"]?.arrayValue?.count == 2)
    #expect(slice["endpoints"]?.arrayValue?.allSatisfy { $0[path: ["conditions", "ready"]] == false } == true)
    #expect(slice["ports"]?.arrayValue?.first?["port"] == 8000)
    await sim.advance(by: .seconds(100))
    slice = try await sim.get(sliceID)
    #expect(slice["endpoints"]?.arrayValue?.allSatisfy { $0[path: ["conditions", "ready"]] == true } == true)
    let endpoints = try await sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Endpoints"), namespace: "llm", name: "vllm"))
    #expect(endpoints["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.count == 2)
  }

  /// `kubectl rollout undo` puts the old template back; the controller reuses that template's
  /// ReplicaSet and makes it the newest revision.
  @Test func rollingBackReusesThePreviousReplicaSet() async throws {
    var scenario = SimFixtures.gpuScenario(nodes: 3)
    scenario.terminationSeconds = 0
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(30))
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(60))
    try await SimFixtures.setImage(sim, "vllm:v1")
    await sim.advance(by: .seconds(60))
    let sets = try await sim.list(SimFixtures.rsGVK, namespace: "llm").items
    #expect(sets.count == 2)
    let v1 = sets.first { $0[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "vllm:v1" }
    #expect(v1?.annotations["deployment.kubernetes.io/revision"] == "3")
    #expect(v1?[path: ["spec", "replicas"]] == 2)
  }

  @Test func kubeletRecordsPullStartAndBackOffEvents() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 1, pull: 5))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1, image: "vllm:v1-crash"), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    let reasons = Set(try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "Event"), namespace: "llm").items.compactMap { $0["reason"]?.stringValue })
    #expect(reasons.isSuperset(of: ["Scheduled", "Pulling", "Pulled", "Started", "BackOff", "SuccessfulCreate", "ScalingReplicaSet"]))
  }
}

@Suite struct FlapAndBookmarkTests {
  @Test func flappingAppsAlternateReadiness() async throws {
    var scenario = SimFixtures.gpuScenario(nodes: 1, pull: 0)
    scenario.images.append(Scenario.ImageRule(tagSuffix: "-flap", behaviour: {
      var b = Scenario.ImageBehaviour()
      b.flapReadySeconds = 60
      b.flapNotReadySeconds = 30
      return b
    }()))
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1, image: "vllm:v1-flap"), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(200))
    let flips = await sim.trace.entries.filter { $0.kind == .ready || $0.kind == .notReady }.map { "\($0.kind.rawValue)@\(Int($0.seconds))" }
    #expect(Array(flips.prefix(4)) == ["ready@0", "notReady@60", "ready@90", "notReady@150"])
  }

  @Test func watchesSendBookmarksWhenAsked() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let gvk = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    let stream = try await sim.watch(gvk, namespace: "llm", options: ListOptions(allowWatchBookmarks: true))
    _ = try await sim.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "b", "namespace": "llm"]], options: WriteOptions())
    var types: [WatchEventType] = []
    for try await event in stream {
      types.append(event.type)
      if types.count == 2 { break }
    }
    #expect(types == [.added, .bookmark])
  }
}
