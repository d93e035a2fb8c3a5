import Kube
import KubeSim
import Manifest
import Testing

/// Scenario faults that cut watches, as an API server restart or a load balancer does: a
/// client must resume from the last version it saw, and one built on `ResourceWatcher` loses
/// no change.
@Suite struct WatchDisconnectTests {
  static let configMaps = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

  static func sim(disconnectAfter events: Int) throws -> KubeSim {
    let yaml = """
      nodes: [{name: cpu-1, allocatable: {cpu: 8}}]
      objects: [{apiVersion: v1, kind: Namespace, metadata: {name: llm}}]
      faults: [{verb: watch, rate: 1, disconnectAfterEvents: \(events)}]
      """
    return KubeSim(scenario: try Scenario(yaml: yaml, file: "cut.yaml"))
  }

  static func configMap(_ name: String) -> Value {
    ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "llm"]]
  }

  @Test func aWatchEndsCleanlyAfterItsEvents() async throws {
    let sim = try Self.sim(disconnectAfter: 2)
    let version = try await sim.list(Self.configMaps, namespace: "llm").resourceVersion
    let stream = try await sim.watch(Self.configMaps, namespace: "llm", options: ListOptions(resourceVersion: version))
    for name in ["a", "b", "c"] { _ = try await sim.create(Self.configMap(name), options: WriteOptions()) }
    var seen: [String] = []
    for try await event in stream { seen.append(event.object.name ?? "") }
    #expect(seen == ["a", "b"], "the stream ended after two events without an error")
    #expect(await sim.openWatches == 0)
  }

  @Test func resourceWatcherResumesAcrossCutsAndMissesNothing() async throws {
    let sim = try Self.sim(disconnectAfter: 1)
    let watcher = ResourceWatcher(api: sim, gvk: Self.configMaps, namespace: "llm")
    var events = watcher.events().makeAsyncIterator()
    #expect(try await events.next() == .synced([]))
    var added: [String] = []
    for name in ["a", "b", "c"] {
      _ = try await sim.create(Self.configMap(name), options: WriteOptions())
      if case .added(let object)? = try await events.next() { added.append(object.name ?? "") }
    }
    #expect(added == ["a", "b", "c"])
  }
}
