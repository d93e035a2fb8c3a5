internal import Kube
import Manifest
internal import OrderedCollections

/// The Deployment controller (k8s.io/kubernetes pkg/controller/deployment): one ReplicaSet per
/// pod template (named `<deployment>-<pod-template-hash>`), rolling updates bounded by
/// maxSurge (rounded up) and maxUnavailable (rounded down) counted on *available* pods,
/// Recreate, pause, revisions (an old template's ReplicaSet is reused on rollback), history
/// cleanup, and the Progressing/Available conditions including ProgressDeadlineExceeded.
extension SimCluster {
  mutating func runDeploymentController() {
    for deployment in api.store.list(Self.gvkDeployment) where !deployment.isTerminating {
      syncDeployment(deployment)
    }
  }

  private mutating func syncDeployment(_ deployment: Value) {
    guard let uid = deployment.uid, let namespace = deployment.namespace, let name = deployment.name else { return }
    var all = ownedReplicaSets(uid: uid, namespace: namespace)
    let template = deployment[path: ["spec", "template"]] ?? [:]
    let paused = deployment[path: ["spec", "paused"]]?.boolValue ?? false
    var newRS = all.first { Self.templatesEqual($0[path: ["spec", "template"]], template) }
    let replicas = deployment[path: ["spec", "replicas"]]?.intValue ?? 1
    let revision = (all.compactMap { Int64($0.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? "") }.max() ?? 0)
    var createdNew = false

    if newRS == nil && !paused {
      newRS = createReplicaSet(
        for: deployment, template: template, hash: Self.podTemplateHash(template), revision: revision + 1, replicas: 0)
      createdNew = newRS != nil
      if let newRS { all.append(newRS) }
    } else if var existing = newRS, let current = Int64(existing.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? ""), current < revision {
      // Rolling back to an old template: its ReplicaSet becomes the newest revision again.
      existing[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] = .string(String(revision + 1))
      newRS = write(existing)
    }
    let old = all.filter { $0.uid != newRS?.uid }
    // Upstream copies the new ReplicaSet's revision onto the Deployment; `kubectl rollout undo`
    // patches that annotation, so it must exist.
    if let revision = newRS?.annotations["deployment.kubernetes.io/revision"], deployment.annotations["deployment.kubernetes.io/revision"] != revision {
      var annotated = deployment
      annotated[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] = revision
      write(annotated)
    }

    if paused {
      // A paused deployment only scales; it does not roll.
      if let newRS, old.isEmpty { scale(newRS, to: replicas, deployment: deployment) }
    } else if deployment[path: ["spec", "strategy", "type"]]?.stringValue == "Recreate" {
      rolloutRecreate(deployment, newRS: newRS, old: old, replicas: replicas)
    } else if let newRS {
      rolloutRolling(deployment, newRS: newRS, old: old, replicas: replicas)
    }
    cleanupHistory(deployment, old: old)
    syncStatus(deployment, createdNew: createdNew, newRSName: newRS?.name ?? "\(name)-\(Self.podTemplateHash(template))")
  }

  private func ownedReplicaSets(uid: String, namespace: String) -> [Value] {
    api.store.list(Self.gvkReplicaSet, namespace: namespace).filter { $0.controllerRef?["uid"]?.stringValue == uid }
      .sorted { ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $0.name ?? "") < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $1.name ?? "") }
  }

  /// Upstream: rolloutRolling = scale up the new RS within maxSurge, then scale down old RSs
  /// while keeping `replicas - maxUnavailable` pods available.
  private mutating func rolloutRolling(_ deployment: Value, newRS: Value, old: [Value], replicas: Int64) {
    let (maxSurge, maxUnavailable) = Self.fenceposts(deployment, replicas: replicas)
    let all = [newRS] + old
    let specReplicas: (Value) -> Int64 = { $0[path: ["spec", "replicas"]]?.intValue ?? 0 }
    let available: (Value) -> Int64 = { $0[path: ["status", "availableReplicas"]]?.intValue ?? 0 }

    // Scale up (NewRSNewReplicas).
    let current = all.reduce(0) { $0 + specReplicas($1) }
    var newReplicas = specReplicas(newRS)
    if specReplicas(newRS) > replicas {
      newReplicas = replicas
    } else if current < replicas + maxSurge {
      let up = min(replicas + maxSurge - current, replicas - specReplicas(newRS))
      newReplicas = specReplicas(newRS) + max(0, up)
    }
    if newReplicas != specReplicas(newRS) { scale(newRS, to: newReplicas, deployment: deployment) }

    // Scale down (reconcileOldReplicaSets).
    let oldWithPods = old.filter { specReplicas($0) > 0 }
    guard !oldWithPods.isEmpty else { return }
    let allPods = newReplicas + old.reduce(0) { $0 + specReplicas($1) }
    let minAvailable = replicas - maxUnavailable
    let newUnavailable = newReplicas - available(newRS)
    var maxScaledDown = allPods - minAvailable - newUnavailable
    guard maxScaledDown > 0 else { return }
    // First the old pods that are not available anyway (cleanupUnhealthyReplicas).
    for rs in oldWithPods where maxScaledDown > 0 {
      let unhealthy = specReplicas(rs) - available(rs)
      let down = min(maxScaledDown, unhealthy)
      if down > 0 {
        scale(rs, to: specReplicas(rs) - down, deployment: deployment)
        maxScaledDown -= down
      }
    }
    // Then available ones, oldest first, while enough stay available.
    let refreshed = ([newRS] + old).compactMap { $0.resourceID.flatMap { api.store.get($0) } }
    let availableTotal = refreshed.reduce(0) { $0 + available($1) }
    var budget = availableTotal - minAvailable
    guard budget > 0 else { return }
    for rs in old {
      guard let current = rs.resourceID.flatMap({ api.store.get($0) }), specReplicas(current) > 0, budget > 0 else { continue }
      let down = min(specReplicas(current), budget)
      scale(current, to: specReplicas(current) - down, deployment: deployment)
      budget -= down
    }
  }

  /// Recreate: every old pod goes before the new ReplicaSet scales up.
  private mutating func rolloutRecreate(_ deployment: Value, newRS: Value?, old: [Value], replicas: Int64) {
    for rs in old where (rs[path: ["spec", "replicas"]]?.intValue ?? 0) > 0 { scale(rs, to: 0, deployment: deployment) }
    let oldPodsRemain = old.contains { rs in
      guard let uid = rs.uid, let namespace = rs.namespace else { return false }
      return !ownedPods(uid: uid, namespace: namespace).isEmpty
    }
    if !oldPodsRemain, let newRS, (newRS[path: ["spec", "replicas"]]?.intValue ?? 0) != replicas {
      scale(newRS, to: replicas, deployment: deployment)
    }
  }

  /// maxSurge rounds up, maxUnavailable down; both zero would deadlock, so upstream makes
  /// maxUnavailable 1 (ResolveFenceposts).
  static func fenceposts(_ deployment: Value, replicas: Int64) -> (Int64, Int64) {
    let rolling = deployment[path: ["spec", "strategy", "rollingUpdate"]]
    let surge = IntOrPercent(rolling?["maxSurge"] ?? "25%").scaled(replicas, roundUp: true)
    var unavailable = IntOrPercent(rolling?["maxUnavailable"] ?? "25%").scaled(replicas, roundUp: false)
    if surge == 0 && unavailable == 0 { unavailable = 1 }
    return (surge, unavailable)
  }

  private mutating func scale(_ rs: Value, to replicas: Int64, deployment: Value) {
    guard let current = rs.resourceID.flatMap({ api.store.get($0) }) else { return }
    let from = current[path: ["spec", "replicas"]]?.intValue ?? 0
    guard from != replicas else { return }
    var updated = current
    updated[path: ["spec", "replicas"]] = .int(replicas)
    updated[path: ["metadata", "annotations", "deployment.kubernetes.io/desired-replicas"]] = .string(String(deployment[path: ["spec", "replicas"]]?.intValue ?? 1))
    write(updated)
    trace.record(.scaled, current, at: now, "\(from) -> \(replicas)")
    let verb = replicas > from ? "up" : "down"
    recordEvent(deployment, reason: "ScalingReplicaSet", message: "Scaled \(verb) replica set \(rs.name ?? "") from \(from) to \(replicas)", component: "deployment-controller")
  }

  private mutating func createReplicaSet(for deployment: Value, template: Value, hash: String, revision: Int64, replicas: Int64) -> Value? {
    var podTemplate = template
    podTemplate[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
    var selector = deployment[path: ["spec", "selector"]] ?? [:]
    selector[path: ["matchLabels", "pod-template-hash"]] = .string(hash)
    var labels = template[path: ["metadata", "labels"]]?.objectValue ?? [:]
    labels["pod-template-hash"] = .string(hash)
    let rs: Value = [
      "apiVersion": "apps/v1", "kind": "ReplicaSet",
      "metadata": [
        "name": .string("\(deployment.name ?? "")-\(hash)"), "namespace": deployment["metadata"]?["namespace"] ?? "default",
        "labels": .object(labels),
        "annotations": [
          "deployment.kubernetes.io/revision": .string(String(revision)),
          "deployment.kubernetes.io/desired-replicas": .string(String(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)),
        ],
        "ownerReferences": [[
          "apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]?["name"] ?? "",
          "uid": deployment["metadata"]?["uid"] ?? "", "controller": true, "blockOwnerDeletion": true,
        ]],
      ],
      "spec": [
        "replicas": .int(replicas), "minReadySeconds": deployment[path: ["spec", "minReadySeconds"]] ?? 0,
        "selector": selector, "template": podTemplate,
      ],
    ]
    guard let created = write(rs) else { return nil }
    // Upstream reports the creation as a scale-up only when it starts with pods (getNewReplicaSet).
    if replicas > 0 {
      recordEvent(deployment, reason: "ScalingReplicaSet", message: "Scaled up replica set \(created.name ?? "") from 0 to \(replicas)", component: "deployment-controller")
    }
    return created
  }

  private mutating func cleanupHistory(_ deployment: Value, old: [Value]) {
    let limit = deployment[path: ["spec", "revisionHistoryLimit"]]?.intValue ?? 10
    let idle = old.filter { ($0[path: ["spec", "replicas"]]?.intValue ?? 0) == 0 && ($0[path: ["status", "replicas"]]?.intValue ?? 0) == 0 }
    let surplus = idle.count - Int(limit)
    guard surplus > 0 else { return }
    let byRevision = idle.sorted { Int64($0.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? "") ?? 0 < Int64($1.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? "") ?? 0 }
    for rs in byRevision.prefix(surplus) {
      remove(rs, manager: "deployment-controller")
    }
  }

  /// Status and conditions (upstream syncRolloutStatus): progress is any rise in updated,
  /// ready or available replicas or a fall in total; without progress for
  /// progressDeadlineSeconds, Progressing turns False with ProgressDeadlineExceeded.
  private mutating func syncStatus(_ deployment: Value, createdNew: Bool, newRSName: String) {
    guard let id = deployment.resourceID, let current = api.store.get(id), let uid = current.uid, let namespace = current.namespace else { return }
    let sets = ownedReplicaSets(uid: uid, namespace: namespace)
    let template = current[path: ["spec", "template"]] ?? [:]
    let newRS = sets.first { Self.templatesEqual($0[path: ["spec", "template"]], template) }
    let sum: (String) -> Int64 = { key in sets.reduce(0) { $0 + ($1[path: ["status", key]]?.intValue ?? 0) } }
    let replicas = current[path: ["spec", "replicas"]]?.intValue ?? 1
    let (_, maxUnavailable) = Self.fenceposts(current, replicas: replicas)
    let total = sum("replicas")
    let desiredInSets = sets.reduce(0) { $0 + ($1[path: ["spec", "replicas"]]?.intValue ?? 0) }
    let updated = newRS?[path: ["status", "replicas"]]?.intValue ?? 0
    let ready = sum("readyReplicas")
    let available = sum("availableReplicas")
    let old = current["status"] ?? [:]
    var status: Value = [
      "observedGeneration": current[path: ["metadata", "generation"]] ?? 1,
      "replicas": .int(total), "updatedReplicas": .int(updated), "readyReplicas": .int(ready),
      // Upstream calculateStatus: the ReplicaSets' desired (spec) replicas less the available
      // ones, never negative (more available than desired while scaling down).
      "availableReplicas": .int(available), "unavailableReplicas": .int(max(0, desiredInSets - available)),
    ]
    var conditions = old["conditions"]?.arrayValue ?? []
    func set(_ type: String, _ value: String, _ reason: String, _ message: String, touchUpdate: Bool) {
      let nowText = Value.string(now.rfc3339)
      if let i = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
        let sameStatus = conditions[i]["status"]?.stringValue == value
        let sameReason = conditions[i]["reason"]?.stringValue == reason
        if sameStatus && sameReason && !touchUpdate { return }
        var c = conditions[i]
        if !sameStatus { c["lastTransitionTime"] = nowText }
        c["status"] = .string(value)
        c["reason"] = .string(reason)
        c["message"] = .string(message)
        c["lastUpdateTime"] = nowText
        conditions[i] = c
      } else {
        conditions.append([
          "type": .string(type), "status": .string(value), "reason": .string(reason), "message": .string(message),
          "lastUpdateTime": nowText, "lastTransitionTime": nowText,
        ])
      }
    }
    let availableOK = available >= replicas - maxUnavailable
    set("Available", availableOK ? "True" : "False", availableOK ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
      availableOK ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", touchUpdate: false)

    let complete = updated == replicas && available == replicas && total == replicas
      && (newRS?[path: ["status", "availableReplicas"]]?.intValue ?? 0) == replicas
    let progressed = updated > (old["updatedReplicas"]?.intValue ?? 0) || ready > (old["readyReplicas"]?.intValue ?? 0)
      || available > (old["availableReplicas"]?.intValue ?? 0) || total < (old["replicas"]?.intValue ?? 0)
    let deadline = current[path: ["spec", "progressDeadlineSeconds"]]?.intValue
    let progressing = conditions.first { $0["type"]?.stringValue == "Progressing" }
    let paused = current[path: ["spec", "paused"]]?.boolValue ?? false
    if paused {
      set("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", touchUpdate: false)
    } else if createdNew {
      set("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(newRSName)\"", touchUpdate: true)
    } else if complete {
      set("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"\(newRSName)\" has successfully progressed.", touchUpdate: false)
    } else if progressed || progressing == nil {
      set("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(newRSName)\" is progressing.", touchUpdate: true)
    } else if let deadline, let cond = conditions.first(where: { $0["type"]?.stringValue == "Progressing" }),
      cond["reason"]?.stringValue != "ProgressDeadlineExceeded",
      let last = SimInstant.parse(cond["lastUpdateTime"]?.stringValue ?? "")
    {
      let due = last.advanced(by: .seconds(deadline))
      if due < now || due == now {
        set("Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"\(newRSName)\" has timed out progressing.", touchUpdate: true)
        trace.record(.condition, current, at: now, "Progressing=False ProgressDeadlineExceeded")
      } else {
        wake(at: due)
      }
    }
    if let cond = conditions.first(where: { $0["type"]?.stringValue == "Progressing" }), let deadline,
      cond["status"]?.stringValue == "True", cond["reason"]?.stringValue != "NewReplicaSetAvailable",
      let last = SimInstant.parse(cond["lastUpdateTime"]?.stringValue ?? "")
    {
      wake(at: last.advanced(by: .seconds(deadline)))
    }
    // Conditions in upstream's order: Available first, then Progressing.
    conditions.sort { ($0["type"]?.stringValue ?? "") < ($1["type"]?.stringValue ?? "") }
    status["conditions"] = .array(conditions)
    if !(current["status"] ?? .null).isSameObject(as: status) {
      var next = current
      next["status"] = status
      writeStatus(next)
    }
  }

  /// The pod-template-hash label: FNV-1a of the template, in upstream's safe alphabet.
  static func podTemplateHash(_ template: Value) -> String {
    var h: UInt32 = 2_166_136_261
    for b in JSON.string(Self.withoutHash(template).canonical).utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    return String(String(h).utf8.map { alphabet[Int($0) % alphabet.count] })
  }

  static func templatesEqual(_ a: Value?, _ b: Value) -> Bool {
    guard let a else { return false }
    return withoutHash(a).isSameObject(as: withoutHash(b))
  }

  static func withoutHash(_ template: Value) -> Value {
    var copy = template
    copy[path: ["metadata", "labels", "pod-template-hash"]] = nil
    if copy[path: ["metadata", "labels"]]?.objectValue?.isEmpty == true { copy[path: ["metadata", "labels"]] = nil }
    return copy
  }
}
