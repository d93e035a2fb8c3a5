import Kube
@testable import KubeSim
import Manifest
import Testing

/// Events findable as kubectl looks for them, and aggregated as upstream's recorders do.
@Suite struct EventTests {
  static let events = GroupVersionKind(group: "", version: "v1", kind: "Event")
  static let nodes = GroupVersionKind(group: "", version: "v1", kind: "Node")

  /// Three single-GPU nodes, four replicas: one pod stays Pending.
  static func stalledCluster() async throws -> (KubeSim, Value) {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.apply(SimFixtures.deployment(replicas: 4), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(30))
    let pending = try await sim.list(SimFixtures.podGVK, namespace: "llm").items.first { $0[path: ["spec", "nodeName"]] == nil }
    return (sim, try #require(pending))
  }

  func names(_ sim: KubeSim, namespace: String? = "llm", _ selector: String) async throws -> [String] {
    try await sim.list(Self.events, namespace: namespace, options: ListOptions(fieldSelector: selector)).items.compactMap { $0["reason"]?.stringValue }
  }

  /// What `kubectl describe pod` asks for, and the other fields upstream makes selectable.
  @Test func fieldSelectorsFindAnObjectsEvents() async throws {
    let (sim, pending) = try await Self.stalledCluster()
    let name = try #require(pending.name)
    let uid = try #require(pending.uid)
    let describe = "involvedObject.kind=Pod,involvedObject.name=\(name),involvedObject.namespace=llm,involvedObject.uid=\(uid)"
    #expect(try await names(sim, describe) == ["FailedScheduling"])
    #expect(try await names(sim, "involvedObject.name=\(name),reason=FailedScheduling,type=Warning,source=default-scheduler") == ["FailedScheduling"])
    #expect(try await names(sim, "involvedObject.name=\(name),reportingComponent=default-scheduler,involvedObject.apiVersion=v1") == ["FailedScheduling"])
    #expect(try await names(sim, "involvedObject.name=\(name),involvedObject.fieldPath=") == ["FailedScheduling"])
    #expect(try await names(sim, "involvedObject.name=\(name),type!=Warning").isEmpty)
    let deployment = try await names(sim, "involvedObject.kind==Deployment,involvedObject.name=vllm")
    #expect(deployment == ["ScalingReplicaSet"])
    #expect(try await names(sim, "involvedObject.kind=ReplicaSet,reason=SuccessfulCreate,source=replicaset-controller").count == 4)
  }

  @Test(arguments: [
    ("Event", "colour=blue", "field label not supported: colour"),
    ("Pod", "spec.colour=blue", "field label not supported: spec.colour"),
    ("ConfigMap", "data.a=1", #""data.a" is not a known field selector: only "metadata.name", "metadata.namespace""#),
    ("Event", "reason", "invalid selector: 'reason'; can't understand 'reason'"),
  ])
  func unsupportedFieldSelectorsAreBadRequests(kind: String, selector: String, message: String) async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    do {
      _ = try await sim.list(GroupVersionKind(group: "", version: "v1", kind: kind), namespace: "llm", options: ListOptions(fieldSelector: selector))
      Issue.record("accepted \(selector)")
    } catch {
      #expect(error.code == 400)
      #expect(error.description == message)
    }
  }

  @Test func escapedSeparatorsAreValues() throws {
    let selector = try FieldSelector(parsing: #"reason=a\,b,type!=x\=y"#, kind: "Event")
    #expect(selector.requirements.map(\.value) == ["a,b", "x=y"])
    #expect(selector.matches(["reason": "a,b", "type": "Normal"]))
  }

  /// A node's events live in `default`, refer to it without a namespace, and are what
  /// `kubectl describe node` finds listing every namespace.
  @Test func nodesHaveEventsAndCordoningIsOne() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let selector = "involvedObject.kind=Node,involvedObject.name=gpu-1,involvedObject.namespace="
    #expect(try await names(sim, namespace: nil, selector + ",involvedObject.uid=gpu-1") == ["Starting", "NodeReady"])
    let node = try await sim.get(ResourceID(gvk: Self.nodes, namespace: nil, name: "gpu-1"))
    #expect(try await names(sim, namespace: nil, selector + ",involvedObject.uid=\(node.uid ?? "")") == ["RegisteredNode"])

    _ = try await sim.patch(
      try #require(node.resourceID), type: .merge, body: ["spec": ["unschedulable": true]], subresource: nil, options: WriteOptions())
    let events = try await sim.list(Self.events, namespace: "default", options: ListOptions(fieldSelector: selector + ",reason=NodeNotSchedulable")).items
    #expect(events.map { $0["message"] } == ["Node gpu-1 status is now: NodeNotSchedulable"])
    #expect(events.first?[path: ["source", "host"]] == "gpu-1")
    #expect(events.first?[path: ["involvedObject", "namespace"]] == nil)
  }

  /// The scheduler retries an unschedulable pod every five minutes; its events.k8s.io
  /// recorder turns the repeats into a series on one event.
  @Test func repeatedSchedulingFailuresBecomeASeries() async throws {
    let (sim, pending) = try await Self.stalledCluster()
    let selector = "involvedObject.uid=\(pending.uid ?? ""),reason=FailedScheduling"
    var events = try await sim.list(Self.events, namespace: "llm", options: ListOptions(fieldSelector: selector)).items
    #expect(events.count == 1)
    #expect(events.first?["series"] == nil)
    #expect(events.first?["action"] == "Scheduling")
    #expect(events.first?["reportingComponent"] == "default-scheduler")
    #expect(events.first?["eventTime"]?.stringValue?.hasSuffix(".000000Z") == true)

    await sim.advance(by: .seconds(600))
    events = try await sim.list(Self.events, namespace: "llm", options: ListOptions(fieldSelector: selector)).items
    #expect(events.count == 1)
    #expect(events.first?[path: ["series", "count"]] == 3)
  }

  /// client-go's EventCorrelator: an identical event counts up; the tenth distinct message of
  /// one object and reason within ten minutes is folded into a combined event.
  @Test func identicalEventsCountAndSimilarOnesCombine() throws {
    var cluster = SimCluster(scenario: SimFixtures.gpuScenario())
    let owner = try #require(cluster.api.store.get(ResourceID(gvk: Self.nodes, namespace: nil, name: "gpu-1")))
    var configMap: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "llm"]]
    configMap = try cluster.api.create(configMap, manager: "t", now: .zero)
    _ = owner
    for _ in 0..<3 { cluster.recordEvent(configMap, reason: "Same", message: "same words", component: "test") }
    for i in 0..<12 { cluster.recordEvent(configMap, reason: "Many", message: "message \(i)", component: "test") }
    let events = cluster.api.store.list(Self.events, namespace: "llm")
    let same = events.filter { $0["reason"] == "Same" }
    #expect(same.map { $0["count"] } == [3])
    let many = events.filter { $0["reason"] == "Many" }
    #expect(many.count == 10, "nine distinct events, then one combined")
    let combined = many.filter { $0["message"]?.stringValue?.hasPrefix("(combined from similar events): ") == true }
    #expect(combined.count == 1)
    #expect(combined.first?["count"] == 3)
    #expect(combined.first?["message"] == "(combined from similar events): message 11")
  }

  /// Separate `release` invocations continue one cluster: a repeat after a restore counts up
  /// on the stored event instead of starting another.
  @Test func aRestoredClusterKeepsCountingItsEvents() async throws {
    let (sim, pending) = try await Self.stalledCluster()
    let restored = KubeSim(restoring: try SimSnapshot.decode(SimSnapshot.encode(await sim.cluster), scenario: SimFixtures.gpuScenario()))
    await restored.advance(by: .seconds(300))
    let events = try await restored.list(
      Self.events, namespace: "llm", options: ListOptions(fieldSelector: "involvedObject.uid=\(pending.uid ?? ""),reason=FailedScheduling")
    ).items
    #expect(events.count == 1)
    #expect((events.first?[path: ["series", "count"]]?.intValue ?? 0) >= 2)
  }
}
