public import Kube
public import Manifest

extension APIServer {
  /// Deletion as the API server does it: pods terminate gracefully (deletionTimestamp set, the
  /// kubelet removes them), finalizers hold an object until cleared, and dependents are
  /// garbage-collected per propagation policy (background by default; foreground keeps the
  /// owner until its dependents are gone; orphan strips their ownerReferences).
  public mutating func delete(_ id: ResourceID, options: DeleteOptions = DeleteOptions(), now: SimInstant) throws(KubeError)
    -> Value?
  {
    let id = try normalizedStoredID(id)
    // NamespaceLifecycle admission answers before storage looks the namespace up.
    if id.gvk == Self.gvkNamespace, Self.immortalNamespaces.contains(id.name) {
      throw KubeError.status(Status(
        code: 403, reason: .forbidden, message: "namespaces \"\(id.name)\" is forbidden: this namespace may not be deleted",
        details: StatusDetails(name: id.name, group: "", kind: "namespaces")))
    }
    guard let object = store.get(id) else { throw notFound(id) }
    if let uid = options.preconditionUID, uid != object.uid {
      throw conflict(id, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(object.uid ?? "")")
    }
    if let rv = options.preconditionResourceVersion, rv != object[path: ["metadata", "resourceVersion"]]?.stringValue {
      throw conflict(id, "Precondition failed: ResourceVersion in precondition: \(rv)")
    }
    if options.dryRun { return VersionConversion.fromStorage(object, to: id.gvk.version) }
    return deleteStored(object, id: id, options: options, now: now).map { VersionConversion.fromStorage($0, to: id.gvk.version) }
  }

  /// The deletion itself, once the object is known to exist and its preconditions hold: it
  /// cannot fail, so the garbage collector's cascades need no error path to drop.
  @discardableResult
  mutating func deleteStored(_ stored: Value, id: ResourceID, options: DeleteOptions, now: SimInstant) -> Value? {
    var object = stored
    if id.gvk == Self.gvkNamespace { return deleteNamespace(object, id: id, now: now) }
    let policy = options.propagationPolicy ?? .background
    if policy == .orphan { orphanDependents(of: object) }

    var finalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
    if policy == .foreground && !dependents(of: object).isEmpty && !finalizers.contains("foregroundDeletion") {
      finalizers.append("foregroundDeletion")
    }
    let grace = object.kind == "Pod"
      ? options.gracePeriodSeconds ?? object[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30 : 0
    let unscheduledPod = object.kind == "Pod" && object[path: ["spec", "nodeName"]] == nil
    if finalizers.isEmpty && (grace == 0 || unscheduledPod) {
      let removed = store.remove(id)
      if policy == .background { collectGarbage(now: now) }
      return removed
    }
    if object.isTerminating { return object }
    object[path: ["metadata", "deletionTimestamp"]] = .string(now.advanced(by: .seconds(grace)).rfc3339)
    if object.kind == "Pod" { object[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(grace) }
    object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map(Value.string))
    let stored = store.put(object, id: id)
    if policy == .foreground { deleteDependents(of: stored, now: now) }
    return stored
  }

  /// Namespaces NamespaceLifecycle admission never lets go.
  static let immortalNamespaces: Set<String> = ["default", "kube-system", "kube-public"]

  /// Upstream's namespace registry: the first delete marks the namespace Terminating; it goes
  /// only once both its spec finalizers (the namespace controller's `kubernetes`) and its
  /// metadata finalizers are empty.
  mutating func deleteNamespace(_ stored: Value, id: ResourceID, now: SimInstant) -> Value? {
    var namespace = stored
    if !namespace.isTerminating {
      namespace[path: ["metadata", "deletionTimestamp"]] = .string(now.rfc3339)
      namespace[path: ["status", "phase"]] = "Terminating"
    }
    if Self.namespaceFinalized(namespace) { return store.remove(id) }
    return namespace.isSameObject(as: stored) ? stored : store.put(namespace, id: id)
  }

  static func namespaceFinalized(_ namespace: Value) -> Bool {
    (namespace[path: ["spec", "finalizers"]]?.arrayValue ?? []).isEmpty
      && (namespace[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty
  }

  /// The namespace controller's finalize: drops the `kubernetes` finalizer once the content
  /// is gone, and with it the namespace unless another finalizer still holds it.
  mutating func finalizeNamespace(_ name: String) {
    let id = Self.namespaceID(name)
    guard var namespace = store.get(id), namespace.isTerminating else { return }
    let finalizers = (namespace[path: ["spec", "finalizers"]]?.arrayValue ?? []).filter { $0 != "kubernetes" }
    namespace[path: ["spec", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers)
    if Self.namespaceFinalized(namespace) {
      store.remove(id)
    } else {
      store.put(namespace, id: id)
    }
  }

  /// Removes a terminating pod once the kubelet has stopped it.
  public mutating func finalizePodRemoval(_ id: ResourceID, now: SimInstant) {
    guard let pod = store.get(id), pod.isTerminating,
      (pod[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty
    else { return }
    store.remove(id)
    collectGarbage(now: now)
  }

  func dependents(of owner: Value) -> [Value] {
    guard let uid = owner.uid else { return [] }
    return store.allBuckets.flatMap { bucket -> [Value] in
      store.list(GroupVersionKind(group: bucket.group, version: "", kind: bucket.kind)).filter { object in
        (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
      }
    }
  }

  mutating func orphanDependents(of owner: Value) {
    guard let uid = owner.uid else { return }
    for var dependent in dependents(of: owner) {
      let refs = (dependent[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
      dependent[path: ["metadata", "ownerReferences"]] = refs.isEmpty ? nil : .array(refs)
      if let id = dependent.resourceID { store.put(dependent, id: id) }
    }
  }

  mutating func deleteDependents(of owner: Value, now: SimInstant) {
    for dependent in dependents(of: owner) {
      // An earlier dependent's cascade may have removed this one already.
      guard let id = dependent.resourceID, let current = store.get(id) else { continue }
      deleteStored(current, id: id, options: DeleteOptions(propagationPolicy: .foreground), now: now)
    }
  }

  /// The garbage collector: dependents whose every owner is gone are deleted (background);
  /// owners held by `foregroundDeletion` are released once no blocking dependent remains.
  public mutating func collectGarbage(now: SimInstant) {
    var changed = true
    while changed {
      changed = false
      var liveUIDs: Set<String> = []
      var all: [Value] = []
      for bucket in store.allBuckets {
        for object in store.list(GroupVersionKind(group: bucket.group, version: "", kind: bucket.kind)) {
          all.append(object)
          if let uid = object.uid { liveUIDs.insert(uid) }
        }
      }
      for object in all {
        guard let id = object.resourceID else { continue }
        let refs = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        if !refs.isEmpty, !object.isTerminating, refs.allSatisfy({ !liveUIDs.contains($0["uid"]?.stringValue ?? "") }),
          let current = store.get(id)
        {
          deleteStored(current, id: id, options: DeleteOptions(propagationPolicy: .background), now: now)
          changed = true
        }
        let finalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
        if object.isTerminating, finalizers == ["foregroundDeletion"], dependents(of: object).isEmpty {
          store.remove(id)
          changed = true
        }
      }
    }
  }

  /// `policy/v1` Eviction: refused with 429 while a PodDisruptionBudget covering the pod has
  /// no disruption to spare; otherwise the budget is charged and the pod deleted gracefully.
  public mutating func evict(_ podID: ResourceID, options: DeleteOptions = DeleteOptions(), now: SimInstant) throws(KubeError) {
    let podID = try normalizedStoredID(podID)
    guard let pod = store.get(podID) else { throw notFound(podID) }
    if pod.isTerminating { return }
    // Upstream canIgnorePDB: a pod that is not running (Pending, or finished) disrupts nothing.
    if ["Pending", "Succeeded", "Failed"].contains(pod[path: ["status", "phase"]]?.stringValue ?? "Pending") {
      if !options.dryRun { _ = try delete(podID, options: options, now: now) }
      return
    }
    let pdbGVK = GroupVersionKind(group: "policy", version: "v1", kind: "PodDisruptionBudget")
    let budgets = store.list(pdbGVK, namespace: podID.namespace).filter { pdb in
      ObjectSelector(pdb[path: ["spec", "selector"]])?.matches(pod) ?? false
    }
    if budgets.count > 1 {
      throw KubeError.internalError("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
    }
    if var budget = budgets.first, let budgetID = budget.resourceID {
      let allowed = budget[path: ["status", "disruptionsAllowed"]]?.intValue ?? 0
      let healthy = budget[path: ["status", "currentHealthy"]]?.intValue ?? 0
      let desired = budget[path: ["status", "desiredHealthy"]]?.intValue ?? 0
      let podReady = PodStatus.isReady(pod)
      let refusal = KubeError.tooManyRequests(
        // No Retry-After, as upstream (eviction.go passes 0): a client's transport must not retry
        // this silently; the caller (kubectl drain, the rollout) decides when to try again.
        "Cannot evict pod as it would violate the pod's disruption budget.",
        causes: [StatusCause(type: "DisruptionBudget", field: "", message: "The disruption budget \(budgetID.name) needs \(desired) healthy pods and has \(healthy) currently")])
      if !podReady {
        // An unready pod is not counted as healthy, so its eviction is not charged: allowed
        // always (AlwaysAllow) or while the budget is met (IfHealthyBudget, the default).
        let policy = budget[path: ["spec", "unhealthyPodEvictionPolicy"]]?.stringValue ?? "IfHealthyBudget"
        guard policy == "AlwaysAllow" || (healthy >= desired && desired > 0) else { throw refusal }
      } else {
        guard allowed > 0 else { throw refusal }
        if !options.dryRun {
          budget[path: ["status", "disruptionsAllowed"]] = .int(allowed - 1)
          var disrupted = budget[path: ["status", "disruptedPods"]]?.objectValue ?? [:]
          disrupted[podID.name] = .string(now.rfc3339)
          budget[path: ["status", "disruptedPods"]] = .object(disrupted)
          store.put(budget, id: budgetID)
        }
      }
    }
    if options.dryRun { return }
    _ = try delete(podID, options: options, now: now)
  }
}
