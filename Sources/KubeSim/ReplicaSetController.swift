internal import Kube
import Manifest

/// The ReplicaSet controller: keeps `spec.replicas` active pods, creating pods named
/// `<rs>-<5 safe chars>` and deleting surplus ones in upstream's preference order
/// (unscheduled, then pending, then not ready, then ready most recently, more restarts,
/// newer), and reports replicas / ready / available.
extension SimCluster {
  mutating func runReplicaSetController() {
    let podsByOwner = podsByControllerUID()
    for rs in api.store.list(Self.gvkReplicaSet) where !rs.isTerminating {
      guard let uid = rs.uid, let namespace = rs.namespace else { continue }
      let owned = podsByOwner[uid] ?? []
      let active = owned.filter(PodStatus.isActive)
      let desired = rs[path: ["spec", "replicas"]]?.intValue ?? 1
      let diff = Int64(active.count) - desired
      if diff < 0 {
        for _ in 0..<(-diff) { createPod(for: rs) }
      } else if diff > 0 {
        for pod in active.sorted(by: deletionOrder).prefix(Int(diff)) {
          remove(pod, manager: "replicaset-controller")
          recordEvent(rs, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name ?? "")", component: "replicaset-controller")
        }
      }
      updateReplicaSetStatus(rs, owned: diff == 0 ? owned : ownedPods(uid: uid, namespace: namespace))
    }
  }

  /// Pods grouped by the uid of their controller, in one pass over the pods.
  func podsByControllerUID() -> [String: [Value]] {
    var result: [String: [Value]] = [:]
    for pod in api.store.list(Self.gvkPod) {
      if let uid = pod.controllerRef?["uid"]?.stringValue { result[uid, default: []].append(pod) }
    }
    return result
  }

  func ownedPods(uid: String, namespace: String) -> [Value] {
    api.store.list(Self.gvkPod, namespace: namespace).filter { $0.controllerRef?["uid"]?.stringValue == uid }
  }

  private mutating func createPod(for rs: Value) {
    var template = rs[path: ["spec", "template"]] ?? [:]
    var metadata = template["metadata"] ?? [:]
    let name = "\(rs.name ?? "pod")-\(randomSuffix())"
    metadata["name"] = .string(name)
    metadata["namespace"] = rs["metadata"]?["namespace"]
    metadata["ownerReferences"] = [[
      "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs["metadata"]?["name"] ?? "", "uid": rs["metadata"]?["uid"] ?? "",
      "controller": true, "blockOwnerDeletion": true,
    ]]
    template["metadata"] = metadata
    template["apiVersion"] = "v1"
    template["kind"] = "Pod"
    guard let pod = write(template) else { return }
    trace.record(.created, pod, at: now)
    recordEvent(rs, reason: "SuccessfulCreate", message: "Created pod: \(name)", component: "replicaset-controller")
  }

  /// Upstream's ActivePods ordering: the pod listed first is deleted first.
  private func deletionOrder(_ a: Value, _ b: Value) -> Bool {
    let aScheduled = PodStatus.isScheduled(a), bScheduled = PodStatus.isScheduled(b)
    if aScheduled != bScheduled { return !aScheduled }
    let rank: (Value) -> Int = { pod in
      switch pod[path: ["status", "phase"]]?.stringValue {
      case "Pending": return 0
      case "Unknown": return 1
      case "Running": return 2
      default: return 0
      }
    }
    if rank(a) != rank(b) { return rank(a) < rank(b) }
    let aReady = PodStatus.isReady(a), bReady = PodStatus.isReady(b)
    if aReady != bReady { return !aReady }
    if aReady, let sa = PodStatus.readySince(a), let sb = PodStatus.readySince(b), sa != sb { return sa > sb }
    let restarts: (Value) -> Int64 = { ($0[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(0) { $0 + ($1["restartCount"]?.intValue ?? 0) } }
    if restarts(a) != restarts(b) { return restarts(a) > restarts(b) }
    let ca = a[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", cb = b[path: ["metadata", "creationTimestamp"]]?.stringValue ?? ""
    if ca != cb { return ca > cb }
    return (a.name ?? "") > (b.name ?? "")
  }

  private mutating func updateReplicaSetStatus(_ rs: Value, owned allOwned: [Value]) {
    guard let current = api.store.get(rs.resourceID ?? ResourceID(gvk: Self.gvkReplicaSet, namespace: nil, name: "")) else { return }
    let owned = allOwned.filter(PodStatus.isActive)
    let minReady = current[path: ["spec", "minReadySeconds"]]?.intValue ?? 0
    let ready = owned.filter(PodStatus.isReady).count
    let available = owned.filter { PodStatus.isAvailable($0, minReadySeconds: minReady, now: now) }.count
    if minReady > 0 {
      for pod in owned { if let since = PodStatus.readySince(pod) { wake(at: since.advanced(by: .seconds(minReady))) } }
    }
    let selector = ObjectSelector(current[path: ["spec", "selector"]])
    let status: Value = [
      "replicas": .int(Int64(owned.count)),
      "fullyLabeledReplicas": .int(Int64(owned.filter { selector?.matches($0) ?? true }.count)),
      "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(available)),
      "observedGeneration": current[path: ["metadata", "generation"]] ?? 1,
    ]
    if !(current["status"] ?? .null).isSameObject(as: status) {
      var updated = current
      updated["status"] = status
      writeStatus(updated)
    }
  }
}
