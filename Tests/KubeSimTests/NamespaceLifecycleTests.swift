import Kube
@testable import KubeSim
import Manifest
import Testing

/// Namespace deletion as upstream's registry and namespace controller do it.
@Suite struct NamespaceLifecycleTests {
  static let namespace = ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil, name: "llm")
  static let configMaps = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

  static func readyCluster() async throws -> KubeSim {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.create(
      ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings", "namespace": "llm"], "data": ["a": "1"]], options: WriteOptions())
    await sim.advance(by: .seconds(30))
    return sim
  }

  static func condition(_ namespace: Value, _ type: String) -> Value? {
    namespace[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
  }

  @Test func aNewNamespaceIsActiveAndHeldByTheKubernetesFinalizer() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let namespace = try await sim.get(Self.namespace)
    #expect(namespace[path: ["spec", "finalizers"]] == ["kubernetes"])
    #expect(namespace[path: ["status", "phase"]] == "Active")
    #expect(namespace.labels["kubernetes.io/metadata.name"] == "llm")
  }

  @Test func deletingANamespaceTerminatesItsContentThenRemovesIt() async throws {
    let sim = try await Self.readyCluster()
    #expect(try await sim.list(SimFixtures.podGVK, namespace: "llm").items.count == 2)

    let deleted = try await sim.delete(Self.namespace, options: DeleteOptions())
    #expect(deleted?[path: ["status", "phase"]] == "Terminating")
    // The pods stop gracefully, so the namespace waits for them.
    let terminating = try await sim.get(Self.namespace)
    #expect(terminating[path: ["status", "phase"]] == "Terminating")
    #expect(terminating[path: ["metadata", "deletionTimestamp"]] != nil)
    #expect(Self.condition(terminating, "NamespaceContentRemaining")?["message"] == "Some resources are remaining: pods. has 2 resource instances")
    #expect(Self.condition(terminating, "NamespaceDeletionDiscoveryFailure")?["reason"] == "ResourcesDiscovered")
    #expect(try await sim.list(SimFixtures.rsGVK, namespace: "llm").items.isEmpty)
    #expect(try await sim.list(Self.configMaps, namespace: "llm").items.isEmpty)
    #expect(try await sim.list(SimFixtures.podGVK, namespace: "llm").items.allSatisfy { $0[path: ["metadata", "deletionTimestamp"]] != nil })

    do {
      _ = try await sim.create(
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "late", "namespace": "llm"]], options: WriteOptions())
      Issue.record("created content in a terminating namespace")
    } catch {
      #expect(error.code == 403)
      #expect(error.description == #"configmaps "late" is forbidden: unable to create new content in namespace llm because it is being terminated"#)
      guard case .status(let status) = error else { return }
      #expect(status.details?.causes == [StatusCause(type: "NamespaceTerminating", field: "metadata.namespace", message: "namespace llm is being terminated")])
    }

    await sim.advance(by: .seconds(60))
    await #expect(throws: KubeError.self) { try await sim.get(Self.namespace) }
    #expect(try await sim.list(SimFixtures.podGVK, namespace: "llm").items.isEmpty)
    #expect(try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "Event"), namespace: "llm").items.isEmpty)
  }

  @Test func contentWithAFinalizerHoldsTheNamespaceUntilReleased() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let held = try await sim.create(
      ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "held", "namespace": "llm", "finalizers": ["example.com/hold"]]],
      options: WriteOptions())
    _ = try await sim.delete(Self.namespace, options: DeleteOptions())
    await sim.advance(by: .seconds(30))
    let namespace = try await sim.get(Self.namespace)
    #expect(
      Self.condition(namespace, "NamespaceFinalizersRemaining")?["message"]
        == "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances")
    #expect(Self.condition(namespace, "NamespaceContentRemaining")?["message"] == "Some resources are remaining: configmaps. has 1 resource instances")

    var released = try await sim.get(try #require(held.resourceID))
    released[path: ["metadata", "finalizers"]] = nil
    _ = try await sim.update(released, subresource: nil, options: WriteOptions())
    await #expect(throws: KubeError.self) { try await sim.get(Self.namespace) }
  }

  @Test(arguments: ["default", "kube-system", "kube-public"])
  func systemNamespacesMayNotBeDeleted(name: String) async throws {
    let sim = KubeSim(scenario: DefaultScenario.scenario())
    let id = ResourceID(gvk: Self.namespace.gvk, namespace: nil, name: name)
    do {
      _ = try await sim.delete(id, options: DeleteOptions())
      Issue.record("deleted \(name)")
    } catch {
      #expect(error.code == 403)
      #expect(error.description == "namespaces \"\(name)\" is forbidden: this namespace may not be deleted")
    }
  }

  @Test func aGenerateNameCreateInATerminatingNamespaceIsRefusedWithoutAName() async throws {
    var api = APIServer()
    _ = try api.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "ns"]], manager: "t", now: .zero)
    _ = try api.delete(ResourceID(gvk: Self.namespace.gvk, namespace: nil, name: "ns"), now: .zero)
    #expect(throws: KubeError.status(Status(
      code: 403, reason: .forbidden,
      message: "pods is forbidden: unable to create new content in namespace ns because it is being terminated",
      details: StatusDetails(name: "", group: "", kind: "pods", causes: [
        StatusCause(type: "NamespaceTerminating", field: "metadata.namespace", message: "namespace ns is being terminated")
      ])))) {
      _ = try api.create(
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["generateName": "p-", "namespace": "ns"], "spec": ["containers": [["name": "c", "image": "x:1"]]]],
        manager: "t", now: .zero)
    }
  }
}
