import Kube
import Manifest

/// The whole simulated cluster as a value: API server state plus the controllers' private
/// state, on a virtual timeline. Controllers run in a fixed order until nothing changes, so a
/// scenario and seed always replay the same way; time only moves in `advance(to:)`.
public struct SimCluster: Sendable {
  public var api = APIServer()
  public private(set) var now: SimInstant = .zero
  public let scenario: Scenario
  public var trace = Trace()
  var rng: SplitMix64
  var kubelet: [String: PodRuntime] = [:]
  var imageCache: [String: Set<String>] = [:]
  var schedulingMessages: [String: (message: String, at: SimInstant)] = [:]
  var metricOverrides: [String: Double] = [:]
  var hpaRecommendations: [String: [(SimInstant, Int64)]] = [:]
  var hpaLastSync: [String: SimInstant] = [:]
  var podIPCounter = 0
  var wakeups: [SimInstant] = []
  /// Store version and instant of the last full pass: a pass is skipped when neither time nor
  /// any kind a controller watches has changed since (a ConfigMap write wakes nobody).
  var lastPass: (version: Int64, at: SimInstant)?
  /// Event correlation: the stored Event each event key was last written to (rebuilt from
  /// the store on restore), and the recent distinct messages per aggregate key.
  var eventIndex: [String: ResourceID] = [:]
  var eventAggregates: [String: EventAggregate] = [:]
  var kubeletSeen: [String: (version: String, at: SimInstant)] = [:]
  /// Whether each node was schedulable when last seen, for the cordon events.
  var nodeSchedulable: [String: Bool] = [:]
  /// The ClusterRole change the aggregation controller last settled (not saved: a restored
  /// cluster aggregates once more).
  var clusterRolesVersion: Int64?
  /// Tokens TokenRequest issued, by the SHA-256 digest of the token.
  var serviceAccountTokens: [String: ServiceAccountToken] = [:]
  static let watchedKinds: Set<String> = ["Pod", "ReplicaSet", "Deployment", "Node", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Service", "Namespace", "ClusterRole"]

  static let gvkPod = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let gvkNode = GroupVersionKind(group: "", version: "v1", kind: "Node")
  static let gvkDeployment = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
  static let gvkReplicaSet = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")
  static let gvkPDB = GroupVersionKind(group: "policy", version: "v1", kind: "PodDisruptionBudget")
  static let gvkHPA = GroupVersionKind(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler")
  static let gvkEvent = GroupVersionKind(group: "", version: "v1", kind: "Event")

  public init(scenario: Scenario, seed: UInt64? = nil) {
    self.scenario = scenario
    rng = SplitMix64(seed: seed ?? scenario.seed)
    api.admission = scenario.admission
    for node in scenario.nodes {
      var object: Value = [
        "apiVersion": "v1", "kind": "Node",
        "metadata": ["name": .string(node.name), "labels": .object(.init(uniqueKeysWithValues: (node.labels.merging(["kubernetes.io/hostname": node.name]) { a, _ in a }).sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))],
        "spec": [:],
        "status": [
          "allocatable": .object(.init(uniqueKeysWithValues: node.allocatable.sorted { $0.key < $1.key }.map { ($0.key, Value.string(Self.quantityText($0.value))) })),
          "capacity": .object(.init(uniqueKeysWithValues: node.allocatable.sorted { $0.key < $1.key }.map { ($0.key, Value.string(Self.quantityText($0.value))) })),
          "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady"]],
        ],
      ]
      if node.unschedulable { object[path: ["spec", "unschedulable"]] = true }
      if !node.taints.isEmpty {
        object[path: ["spec", "taints"]] = .array(node.taints.map { t in
          var v: Value = ["key": .string(t.key), "effect": .string(t.effect)]
          if let value = t.value { v["value"] = .string(value) }
          return v
        })
      }
      do {
        _ = try api.create(object, manager: "kubelet", now: now)
      } catch {
        recordWriteFailure(object, verb: "create", manager: "kubelet", error)
      }
      if let id = object.resourceID, var stored = api.store.get(id) {
        stored["status"] = object["status"]
        recordNodeRegistration(api.store.put(stored, id: id))
      }
    }
    for object in scenario.objects where object.resourceID.flatMap({ api.store.get($0) }) == nil {
      do {
        _ = try api.create(object, manager: "scenario", now: now)
      } catch {
        // The scenario asked for an object the API server refuses (invalid, or in a missing
        // namespace): the cluster starts without it, and the trace says why.
        recordWriteFailure(object, verb: "create", manager: "scenario", error)
      }
    }
  }

  /// An empty cluster for a snapshot to fill in (no nodes or scenario objects created).
  init(restoringWith scenario: Scenario) {
    self.scenario = scenario
    rng = SplitMix64(seed: scenario.seed)
    api.admission = scenario.admission
  }

  mutating func setNow(_ instant: SimInstant) { now = instant }

  static func quantityText(_ value: Double) -> String {
    if value >= 1_073_741_824, value.truncatingRemainder(dividingBy: 1_073_741_824) == 0 { return "\(Int64(value / 1_073_741_824))Gi" }
    if value == value.rounded() { return String(Int64(value)) }
    return "\(Int64(value * 1000))m"
  }

  // MARK: - Time

  /// Runs every controller, in a fixed order, until a pass changes nothing.
  public mutating func reconcile() {
    if let last = lastPass, last.at == now, !controllersHaveWork(since: last.version) {
      lastPass = (api.store.resourceVersion, now)
      return
    }
    defer { lastPass = (api.store.resourceVersion, now) }
    for _ in 0..<200 {
      let before = api.store.resourceVersion
      wakeups.removeAll { $0 <= now }
      runNamespaceController()
      runDeploymentController()
      runReplicaSetController()
      runScheduler()
      runKubelet()
      runDisruptionController()
      runAutoscaler()
      runEndpointsController()
      runNodeEvents()
      runClusterRoleAggregation()
      if api.store.changes(after: before)?.contains(where: { $0.type == .deleted }) ?? true {
        api.collectGarbage(now: now)
      }
      if api.store.resourceVersion == before { return }
    }
  }

  /// Whether a kind some controller watches changed (or anything was deleted) after `version`.
  func controllersHaveWork(since version: Int64) -> Bool {
    guard let changed = api.store.changes(after: version) else { return true }
    return changed.contains(where: { Self.watchedKinds.contains($0.object.kind ?? "") || $0.type == .deleted })
  }

  /// The earliest instant some controller asked to run again.
  public var nextWakeup: SimInstant? { wakeups.filter { $0 > now }.min() }

  /// Moves virtual time to `target`, stopping at every controller wake-up on the way.
  /// Controllers ask to be woken for everything time alone changes (a pod's readiness, a
  /// scheduling retry, a progress deadline, an HPA sync), so at an instant nobody asked for,
  /// with nothing a controller watches written since the last pass (a lease renewal is not),
  /// a pass would change nothing: it is skipped. A client polling every 2 s would otherwise
  /// pay a full pass per poll.
  public mutating func advance(to target: SimInstant) {
    reconcile()
    while let next = nextWakeup, next <= target {
      now = next
      reconcile()
    }
    if target > now {
      let quiet = lastPass.map { $0.at == now && !controllersHaveWork(since: $0.version) } ?? false
      now = target
      if quiet {
        lastPass = (api.store.resourceVersion, now)
      } else {
        reconcile()
      }
    }
  }

  public mutating func advance(by duration: Duration) { advance(to: now.advanced(by: duration)) }

  mutating func wake(at instant: SimInstant) {
    if instant > now { wakeups.append(instant) }
  }

  mutating func wake(after seconds: Double) {
    wake(at: now.advanced(by: .milliseconds(Int64((seconds * 1000).rounded()))))
  }

  /// Sets a metric value for every pod of an image, overriding the scenario (tests, the demo).
  public mutating func setMetric(_ name: String, image: String? = nil, value: Double) {
    metricOverrides[(image ?? "*") + "|" + name] = value
  }

  func metric(_ name: String, image: String) -> Double? {
    metricOverrides[image + "|" + name] ?? metricOverrides["*|" + name] ?? scenario.behaviour(of: image).metrics[name]
  }

  // MARK: - Writes by controllers

  /// Creates or updates `object` as `manager`; nil when the API server refuses, and the
  /// refusal is in the trace (see `recordWriteFailure`).
  @discardableResult
  mutating func write(_ object: Value, manager: String = APIServer.controllerManager) -> Value? {
    guard let id = object.resourceID else { return nil }
    do {
      if api.store.get(id) == nil { return try api.create(object, manager: manager, now: now) }
      return try api.update(object, manager: manager, now: now)
    } catch {
      recordWriteFailure(object, verb: api.store.get(id) == nil ? "create" : "update", manager: manager, error)
      return nil
    }
  }

  @discardableResult
  mutating func writeStatus(_ object: Value, manager: String = APIServer.controllerManager) -> Value? {
    do {
      return try api.update(object, subresource: "status", manager: manager, now: now)
    } catch {
      recordWriteFailure(object, verb: "update status", manager: manager, error)
      return nil
    }
  }

  /// Deletes as a controller does (background propagation). An object already gone is what
  /// the controller wanted; any other refusal is recorded.
  mutating func remove(_ object: Value, manager: String) {
    guard let id = object.resourceID else { return }
    do {
      _ = try api.delete(id, now: now)
    } catch where error.isNotFound {
      return
    } catch {
      recordWriteFailure(object, verb: "delete", manager: manager, error)
    }
  }

  /// A write the API server refused a controller. Upstream controllers log it and retry on
  /// their next sync, as these do; here it also goes to the trace as `writeFailed`
  /// ("<manager> <verb>: <message>"), so a refusal is seen, never silently lost.
  mutating func recordWriteFailure(_ object: Value, verb: String, manager: String, _ error: KubeError) {
    trace.record(.writeFailed, object, at: now, "\(manager) \(verb): \(error.description)")
  }

  /// Five characters from upstream's safe alphabet (no vowels, no look-alike digits).
  mutating func randomSuffix(_ length: Int = 5) -> String {
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    return String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
  }
}
