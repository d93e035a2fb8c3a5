import Foundation
import Kube
import KubeSim
import Manifest
import Testing

/// One behavioural contract of `KubeAPI`, asserted identically on KubeSim in process and on
/// the REST client talking HTTPS to KubeSimServer.
@Suite("KubeAPI behaviour")
struct KubeAPIBehaviourTests {
  @Test(arguments: Backend.allCases)
  func createsGetsAndListsWithSelectorsAndPages(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    for i in 0..<5 {
      let created = try await h.api.create(
        Fixtures.configMap("cm-\(i)", labels: ["tier": i % 2 == 0 ? "gpu" : "cpu"]),
        options: WriteOptions(fieldManager: "test"))
      #expect(created[path: ["metadata", "uid"]] != nil)
    }
    let fetched = try await h.api.get(Fixtures.configMapID("cm-3"))
    #expect(fetched.kind == "ConfigMap")
    #expect(fetched["data"] == ["k": "v"])

    let gpu = try await h.api.list(
      Fixtures.configMapGVK, namespace: "llm", options: ListOptions(labelSelector: "tier in (gpu)"))
    #expect(gpu.items.compactMap(\.name) == ["cm-0", "cm-2", "cm-4"])
    #expect(gpu.items.allSatisfy { $0.apiVersion == "v1" && $0.kind == "ConfigMap" })
    let byName = try await h.api.list(
      Fixtures.configMapGVK, namespace: nil, options: ListOptions(fieldSelector: "metadata.name=cm-1"))
    #expect(byName.items.compactMap(\.name) == ["cm-1"])

    var names: [String] = []
    var token: String?
    var pages = 0
    repeat {
      let page = try await h.api.list(
        Fixtures.configMapGVK, namespace: "llm", options: ListOptions(limit: 2, continueToken: token))
      names += page.items.compactMap(\.name)
      token = page.continueToken
      pages += 1
    } while token != nil
    #expect(pages == 3)
    #expect(names == (0..<5).map { "cm-\($0)" })

    let duplicate = await #expect(throws: KubeError.self) {
      try await h.api.create(Fixtures.configMap("cm-0"), options: WriteOptions())
    }
    #expect(duplicate?.isAlreadyExists == true)
    #expect(duplicate?.description == "configmaps \"cm-0\" already exists")
    let missing = await #expect(throws: KubeError.self) { try await h.api.get(Fixtures.deploymentID) }
    #expect(missing?.code == 404)
    #expect(missing?.description == "deployments.apps \"vllm\" not found")
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func watchesFromAResourceVersion(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    let start = try await h.api.list(Fixtures.configMapGVK, namespace: "llm").resourceVersion
    _ = try await h.api.create(Fixtures.configMap("w"), options: WriteOptions())
    _ = try await h.api.patch(
      Fixtures.configMapID("w"), type: .merge, body: ["data": ["k": "v2"]], subresource: nil, options: WriteOptions())
    _ = try await h.api.delete(Fixtures.configMapID("w"), options: DeleteOptions())
    let stream = try await h.api.watch(
      Fixtures.configMapGVK, namespace: "llm", options: ListOptions(resourceVersion: start))
    var seen: [String] = []
    for try await event in stream {
      seen.append(
        "\(event.type.rawValue) \(event.object.name ?? "") \(event.object[path: ["data", "k"]]?.stringValue ?? "")")
      if seen.count == 3 { break }
    }
    #expect(seen == ["ADDED w v", "MODIFIED w v2", "DELETED w v2"])
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func watchFromACompactedVersionIsGone(_ backend: Backend) async throws {
    // A restored cluster keeps no change log before its current version, like an API server
    // whose watch cache was rebuilt after compaction.
    let sim = try await Self.restartedCluster(changes: 3)
    let h = try await Harness.make(backend, sim: sim)
    let error = await #expect(throws: KubeError.self) {
      let stream = try await h.api.watch(
        Fixtures.configMapGVK, namespace: "llm", options: ListOptions(resourceVersion: "1"))
      for try await _ in stream {}
    }
    #expect(error?.code == 410)
    #expect(error?.isGone == true)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func serverSideApplyReportsConflictsNamingTheManagerAndForceTakesOver(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    _ = try await h.api.apply(
      Fixtures.configMap("ssa", data: ["k": "mine"]), options: ApplyOptions(fieldManager: "release"))
    let conflict = await #expect(throws: KubeError.self) {
      try await h.api.apply(
        Fixtures.configMap("ssa", data: ["k": "theirs"]), options: ApplyOptions(fieldManager: "kubectl-edit"))
    }
    #expect(conflict?.code == 409)
    #expect(conflict?.isConflict == true)
    #expect(conflict?.description.contains("conflict with \"release\"") == true)
    #expect(conflict?.causes.map(\.type) == ["FieldManagerConflict"])

    let forced = try await h.api.apply(
      Fixtures.configMap("ssa", data: ["k": "theirs"]), options: ApplyOptions(fieldManager: "kubectl-edit", force: true)
    )
    #expect(forced[path: ["data", "k"]] == "theirs")
    let managers =
      forced[path: ["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? []
    #expect(managers.contains("kubectl-edit"))

    let dryRun = try await h.api.apply(
      Fixtures.configMap("ssa", data: ["k": "dry"]), options: ApplyOptions(fieldManager: "kubectl-edit", dryRun: true))
    #expect(dryRun[path: ["data", "k"]] == "dry")
    #expect(try await h.api.get(Fixtures.configMapID("ssa"))[path: ["data", "k"]] == "theirs")
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func appliesEachPatchType(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    _ = try await h.api.apply(Fixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
    let id = Fixtures.deploymentID
    let json = try await h.api.patch(
      id, type: .json, body: [["op": "replace", "path": "/spec/replicas", "value": 2]], subresource: nil,
      options: WriteOptions(fieldManager: "t"))
    #expect(json[path: ["spec", "replicas"]] == 2)
    let merge = try await h.api.patch(
      id, type: .merge, body: ["metadata": ["labels": ["team": "ml"]]], subresource: nil,
      options: WriteOptions(fieldManager: "t"))
    #expect(merge[path: ["metadata", "labels", "team"]] == "ml")
    let strategic = try await h.api.patch(
      id, type: .strategicMerge,
      body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "image": "vllm:v2"]]]]]], subresource: nil,
      options: WriteOptions(fieldManager: "t"))
    let containers = strategic[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
    #expect(containers.count == 1)
    #expect(containers.first?["image"] == "vllm:v2")
    #expect([.int(1), .string("1")].contains(containers.first?[path: ["resources", "limits", "nvidia.com/gpu"]]))
    let applied = try await h.api.patch(
      id, type: .apply, body: ["metadata": ["annotations": ["note": "x"]]], subresource: nil,
      options: WriteOptions(fieldManager: "annotator"))
    #expect(applied[path: ["metadata", "annotations", "note"]] == "x")
    let bad = await #expect(throws: KubeError.self) {
      try await h.api.patch(
        id, type: .json, body: [["op": "remove", "path": "/spec/nothing"]], subresource: nil, options: WriteOptions())
    }
    #expect(bad?.code == 422)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func deletesWithPropagation(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    _ = try await h.api.apply(Fixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    await h.sim.advance(by: .seconds(30))
    _ = try await h.api.delete(Fixtures.deploymentID, options: DeleteOptions(propagationPolicy: .orphan))
    await h.sim.advance(by: .seconds(60))
    let sets = try await h.api.list(Fixtures.replicaSetGVK, namespace: "llm").items
    #expect(sets.count == 1)
    #expect(sets.first?[path: ["metadata", "ownerReferences"]] == nil)
    #expect(try await Fixtures.livePods(h.api).count == 2)
    let rsID = try #require(sets.first?.resourceID)
    _ = try await h.api.delete(rsID, options: DeleteOptions(propagationPolicy: .background))
    await h.sim.advance(by: .seconds(60))
    #expect(try await h.api.list(Fixtures.podGVK, namespace: "llm").items.isEmpty)
    let gone = await #expect(throws: KubeError.self) { try await h.api.delete(rsID, options: DeleteOptions()) }
    #expect(gone?.isNotFound == true)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func evictionIsRefusedWithTooManyRequestsOnceTheBudgetIsSpent(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    _ = try await h.api.apply(Fixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    _ = try await h.api.apply(Fixtures.budget, options: ApplyOptions(fieldManager: "release"))
    await h.sim.advance(by: .seconds(30))
    let pods = try await Fixtures.livePods(h.api)
    #expect(pods.count == 2)
    try await h.api.evict(pods[0], options: DeleteOptions())
    let refused = await #expect(throws: KubeError.self) { try await h.api.evict(pods[1], options: DeleteOptions()) }
    #expect(refused?.code == 429)
    #expect(refused?.isTooManyRequests == true)
    #expect(refused?.description == "Cannot evict pod as it would violate the pod's disruption budget.")
    #expect(refused?.causes.map(\.type) == ["DisruptionBudget"])
    #expect(await h.sim.trace.entries(.evicted).count == 1)
    // The refusal is an answer, not throttling: it is not retried.
    #expect(h.wire.map { $0.count("POST", "/eviction") } ?? 2 == 2)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func readsAndWritesStatusAndScaleSubresources(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    _ = try await h.api.apply(Fixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
    let scale = try await h.api.get(Fixtures.deploymentID, subresource: "scale")
    #expect(scale.kind == "Scale")
    #expect(scale.apiVersion == "autoscaling/v1")
    #expect(scale[path: ["spec", "replicas"]] == 1)
    _ = try await h.api.patch(
      Fixtures.deploymentID, type: .merge, body: ["spec": ["replicas": 3]], subresource: "scale",
      options: WriteOptions(fieldManager: "hpa"))
    #expect(try await h.api.get(Fixtures.deploymentID)[path: ["spec", "replicas"]] == 3)

    var object = try await h.api.get(Fixtures.deploymentID)
    object[path: ["metadata", "resourceVersion"]] = nil
    object["status"] = ["observedGeneration": 99]
    object[path: ["spec", "replicas"]] = 7
    let updated = try await h.api.update(object, subresource: "status", options: WriteOptions(fieldManager: "t"))
    #expect(updated[path: ["status", "observedGeneration"]] == 99)
    #expect(updated[path: ["spec", "replicas"]] == 3)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func rejectsInvalidObjectsWithFieldCauses(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    let error = await #expect(throws: KubeError.self) {
      try await h.api.create(Fixtures.deployment(replicas: -1), options: WriteOptions())
    }
    #expect(error?.code == 422)
    #expect(error?.isInvalid == true)
    #expect(error?.causes.map(\.field) == ["spec.replicas"])
    #expect(error?.description.hasPrefix("Deployment.apps \"vllm\" is invalid: spec.replicas") == true)
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func resourceWatcherListsThenFollowsChanges(_ backend: Backend) async throws {
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario()))
    for i in 0..<3 { _ = try await h.api.create(Fixtures.configMap("r-\(i)"), options: WriteOptions()) }
    let watcher = ResourceWatcher(api: h.api, gvk: Fixtures.configMapGVK, namespace: "llm", pageSize: 2, clock: h.clock)
    var events = watcher.events().makeAsyncIterator()
    guard case .synced(let initial) = try await events.next() else {
      Issue.record("expected the initial list")
      return
    }
    #expect(initial.compactMap(\.name) == ["r-0", "r-1", "r-2"])
    _ = try await h.api.create(Fixtures.configMap("r-3"), options: WriteOptions())
    _ = try await h.api.delete(Fixtures.configMapID("r-0"), options: DeleteOptions())
    #expect(try await events.next() == .added(try await h.api.get(Fixtures.configMapID("r-3"))))
    guard case .deleted(let deleted) = try await events.next() else {
      Issue.record("expected a deletion")
      return
    }
    #expect(deleted.name == "r-0")
    await h.close()
  }

  @Test(arguments: Backend.allCases)
  func resourceWatcherRelistsWhenItsWatchIsGone(_ backend: Backend) async throws {
    // Half the watch calls answer 410: each one sends the watcher back to a fresh list.
    let faults = [Scenario.Fault(verb: "watch", rate: 0.5, code: 410)]
    let h = try await Harness.make(backend, sim: KubeSim(scenario: Fixtures.scenario(faults: faults, seed: 5)))
    _ = try await h.api.create(Fixtures.configMap("early"), options: WriteOptions())
    let watcher = ResourceWatcher(api: h.api, gvk: Fixtures.configMapGVK, namespace: "llm", clock: h.clock)
    var events = watcher.events().makeAsyncIterator()
    guard case .synced(let first) = try await events.next() else {
      Issue.record("expected the initial list")
      return
    }
    #expect(first.compactMap(\.name) == ["early"])
    _ = try await h.api.create(Fixtures.configMap("late"), options: WriteOptions())
    // "late" arrives either as a watch event or in a relist after a 410; either way nothing is lost.
    var lists = 1
    var sawLate = false
    while !sawLate, lists < 20, let event = try await events.next() {
      switch event {
      case .synced(let items):
        lists += 1
        sawLate = items.compactMap(\.name) == ["early", "late"]
      case .added(let object): sawLate = object.name == "late"
      case .modified, .deleted: Issue.record("unexpected \(event)")
      }
    }
    #expect(sawLate)
    #expect(lists > 1)
    await h.close()
  }

  /// A cluster with `changes` writes behind it, restored from its snapshot: the change log
  /// starts at the current version.
  static func restartedCluster(changes: Int) async throws -> KubeSim {
    let original = KubeSim(scenario: Fixtures.scenario())
    for i in 0..<changes { _ = try await original.create(Fixtures.configMap("old-\(i)"), options: WriteOptions()) }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try await SimSnapshot.save(original, to: file)
    return try SimSnapshot.load(file, scenario: Fixtures.scenario())
  }
}
