import Kube
import KubeSim
import Manifest
import Testing

@Suite struct APIServerTests {
  static let cmGVK = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

  func configMap(_ name: String, labels: Value = [:]) -> Value {
    ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "llm", "labels": labels], "data": ["k": "v"]]
  }

  @Test func listsPageByPageWithContinueTokens() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    for i in 0..<7 { _ = try await sim.create(configMap("cm-\(i)"), options: WriteOptions()) }
    var names: [String] = []
    var token: String?
    var pages = 0
    repeat {
      let page = try await sim.list(Self.cmGVK, namespace: "llm", options: ListOptions(limit: 3, continueToken: token))
      names += page.items.compactMap(\.name)
      token = page.continueToken
      pages += 1
    } while token != nil
    #expect(pages == 3)
    #expect(names == (0..<7).map { "cm-\($0)" })
  }

  @Test func filtersByLabelAndFieldSelectors() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.create(configMap("a", labels: ["tier": "gpu"]), options: WriteOptions())
    _ = try await sim.create(configMap("b", labels: ["tier": "cpu"]), options: WriteOptions())
    let gpu = try await sim.list(Self.cmGVK, namespace: "llm", options: ListOptions(labelSelector: "tier in (gpu)"))
    #expect(gpu.items.compactMap(\.name) == ["a"])
    let byName = try await sim.list(Self.cmGVK, namespace: nil, options: ListOptions(fieldSelector: "metadata.name=b"))
    #expect(byName.items.compactMap(\.name) == ["b"])
  }

  @Test func watchStreamsChangesFromAResourceVersion() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let start = try await sim.list(Self.cmGVK, namespace: "llm").resourceVersion
    _ = try await sim.create(configMap("w"), options: WriteOptions())
    _ = try await sim.patch(ResourceID(gvk: Self.cmGVK, namespace: "llm", name: "w"), type: .merge, body: ["data": ["k": "v2"]], subresource: nil, options: WriteOptions())
    _ = try await sim.delete(ResourceID(gvk: Self.cmGVK, namespace: "llm", name: "w"), options: DeleteOptions())
    let stream = try await sim.watch(Self.cmGVK, namespace: "llm", options: ListOptions(resourceVersion: start))
    var types: [WatchEventType] = []
    for try await event in stream {
      types.append(event.type)
      if types.count == 3 { break }
    }
    #expect(types == [.added, .modified, .deleted])
  }

  @Test func tooOldResourceVersionIsGone() async throws {
    var server = APIServer()
    server.store = ObjectStore(changeLogLimit: 3)
    for i in 0..<6 {
      var object = configMap("g\(i)")
      object.namespace = "default"
      _ = try server.create(object, manager: nil, now: .zero)
    }
    #expect(throws: KubeError.self) { try server.changes(of: Self.cmGVK, namespace: nil, after: 1) }
    do {
      _ = try server.changes(of: Self.cmGVK, namespace: nil, after: 1)
    } catch {
      #expect(error.code == 410)
    }
    #expect(try server.changes(of: Self.cmGVK, namespace: nil, after: 4).count == 2)
  }

  @Test(arguments: [PropagationPolicy.background, .foreground, .orphan])
  func deletesDependentsPerPropagationPolicy(_ policy: PropagationPolicy) async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(30))
    _ = try await sim.delete(SimFixtures.deploymentID, options: DeleteOptions(propagationPolicy: policy))
    await sim.advance(by: .seconds(60))
    let sets = try await sim.list(SimFixtures.rsGVK, namespace: "llm").items
    let pods = try await sim.list(SimFixtures.podGVK, namespace: "llm").items
    await #expect(throws: KubeError.self) { try await sim.get(SimFixtures.deploymentID) }
    switch policy {
    case .orphan:
      #expect(sets.count == 1)
      #expect(sets.first?[path: ["metadata", "ownerReferences"]] == nil)
      #expect(pods.count == 2)
    case .background, .foreground:
      #expect(sets.isEmpty)
      #expect(pods.isEmpty)
    }
  }

  @Test func reportsNotFoundAndAlreadyExistsAsTheAPIServerWordsThem() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    do {
      _ = try await sim.get(SimFixtures.deploymentID)
    } catch {
      #expect(error.description == "deployments.apps \"vllm\" not found")
      #expect(error.isNotFound)
    }
    _ = try await sim.create(configMap("dup"), options: WriteOptions())
    do {
      _ = try await sim.create(configMap("dup"), options: WriteOptions())
    } catch {
      #expect(error.description == "configmaps \"dup\" already exists")
      #expect(error.isAlreadyExists)
    }
  }

  @Test func defaultsServicesAndWorkloads() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let service = try await sim.create(
      ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "vllm", "namespace": "llm"], "spec": ["ports": [["port": 80]], "selector": ["app": "vllm"]]],
      options: WriteOptions())
    #expect(service[path: ["spec", "type"]] == "ClusterIP")
    #expect(service[path: ["spec", "clusterIP"]]?.stringValue?.hasPrefix("10.96.") == true)
    #expect(service[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"] == 80)
    let deployment = try await sim.create(SimFixtures.deployment(replicas: 1, readinessDelay: 300), options: WriteOptions())
    #expect(deployment[path: ["spec", "revisionHistoryLimit"]] == 10)
    let container = deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
    #expect(container?["imagePullPolicy"] == "IfNotPresent")
    #expect(container?[path: ["readinessProbe", "failureThreshold"]] == 3)
  }

  @Test func leasesGiveOptimisticConcurrencyToContendingHolders() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let lease: Value = [
      "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "release-lock", "namespace": "llm"],
      "spec": ["holderIdentity": "a", "leaseDurationSeconds": 60],
    ]
    let created = try await sim.create(lease, options: WriteOptions())
    var takeover = created
    takeover[path: ["spec", "holderIdentity"]] = "b"
    _ = try await sim.update(takeover, subresource: nil, options: WriteOptions())
    var late = created
    late[path: ["spec", "holderIdentity"]] = "c"
    await #expect(throws: KubeError.self) { try await sim.update(late, subresource: nil, options: WriteOptions()) }
  }
}
