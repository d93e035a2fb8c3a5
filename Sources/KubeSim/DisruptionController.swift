internal import Kube
import Manifest

/// PodDisruptionBudget status (pkg/controller/disruption): expectedPods from the scale of the
/// pods' controllers (a Deployment's replicas for its pods), desiredHealthy from minAvailable
/// or maxUnavailable (percentages round up), currentHealthy = Ready pods not yet evicted,
/// disruptionsAllowed = currentHealthy - desiredHealthy, never below zero.
extension SimCluster {
  mutating func runDisruptionController() {
    for pdb in api.store.list(Self.gvkPDB) {
      guard let namespace = pdb.namespace, let selector = ObjectSelector(pdb[path: ["spec", "selector"]]) else { continue }
      let pods = api.store.list(Self.gvkPod, namespace: namespace).filter { selector.matches($0) && !$0.isTerminating }
      let expected = expectedPods(pods, namespace: namespace)
      var disrupted = pdb[path: ["status", "disruptedPods"]]?.objectValue ?? [:]
      // Evicted pods count as disrupted until deleted, or for 2 minutes (upstream DeletionTimeout).
      let livePods = Set(pods.compactMap(\.name))
      disrupted = disrupted.filter { name, since in
        guard livePods.contains(name), let at = SimInstant.parse(since.stringValue ?? "") else { return false }
        return at.advanced(by: .seconds(120)) > now
      }
      let healthy = Int64(pods.filter { PodStatus.isReady($0) && disrupted[$0.name ?? ""] == nil }.count)
      let desired: Int64
      if let minAvailable = pdb[path: ["spec", "minAvailable"]] {
        desired = IntOrPercent(minAvailable).scaled(expected, roundUp: true)
      } else if let maxUnavailable = pdb[path: ["spec", "maxUnavailable"]] {
        desired = max(0, expected - IntOrPercent(maxUnavailable).scaled(expected, roundUp: true))
      } else {
        desired = expected
      }
      let allowed = max(0, healthy - desired)
      let condition: Value = [
        "type": "DisruptionAllowed", "status": .string(allowed > 0 ? "True" : "False"),
        "reason": .string(allowed > 0 ? "SufficientPods" : "InsufficientPods"), "message": "",
        "observedGeneration": pdb[path: ["metadata", "generation"]] ?? 1,
        "lastTransitionTime": previousTransition(pdb, allowed: allowed > 0),
      ]
      var status: Value = [
        "observedGeneration": pdb[path: ["metadata", "generation"]] ?? 1, "expectedPods": .int(expected),
        "currentHealthy": .int(healthy), "desiredHealthy": .int(desired), "disruptionsAllowed": .int(allowed),
        "conditions": [condition],
      ]
      if !disrupted.isEmpty { status["disruptedPods"] = .object(disrupted) }
      for (_, since) in disrupted { if let at = SimInstant.parse(since.stringValue ?? "") { wake(at: at.advanced(by: .seconds(120))) } }
      if !(pdb["status"] ?? .null).isSameObject(as: status) {
        var updated = pdb
        updated["status"] = status
        writeStatus(updated)
      }
    }
  }

  private func previousTransition(_ pdb: Value, allowed: Bool) -> Value {
    let old = pdb[path: ["status", "conditions"]]?.arrayValue?.first
    if old?["status"]?.stringValue == (allowed ? "True" : "False"), let at = old?["lastTransitionTime"] { return at }
    return .string(now.rfc3339)
  }

  /// Sum of the scale of each distinct controller of the pods; bare pods count one each.
  private func expectedPods(_ pods: [Value], namespace: String) -> Int64 {
    var seen: Set<String> = []
    var total: Int64 = 0
    for pod in pods {
      guard let owner = pod.controllerRef, let ownerName = owner["name"]?.stringValue else {
        total += 1
        continue
      }
      var scaleSource: Value?
      var key = "\(owner["kind"]?.stringValue ?? ""):\(ownerName)"
      if owner["kind"]?.stringValue == "ReplicaSet",
        let rs = api.store.get(ResourceID(gvk: Self.gvkReplicaSet, namespace: namespace, name: ownerName))
      {
        scaleSource = rs
        if let deploymentRef = rs.controllerRef, deploymentRef["kind"]?.stringValue == "Deployment",
          let name = deploymentRef["name"]?.stringValue,
          let deployment = api.store.get(ResourceID(gvk: Self.gvkDeployment, namespace: namespace, name: name))
        {
          scaleSource = deployment
          key = "Deployment:\(name)"
        }
      }
      guard seen.insert(key).inserted else { continue }
      total += scaleSource?[path: ["spec", "replicas"]]?.intValue ?? 1
    }
    return total
  }
}
