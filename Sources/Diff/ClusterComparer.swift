public import Kube
public import Manifest

/// Compares an environment's rendered objects with the cluster as `kubectl diff --server-side`
/// does: a server-side dry-run apply of each object with our field manager says what it would
/// become, and that is compared with the live object. Reads only; writes nothing.
public struct ClusterComparer: Sendable {
  public let api: any KubeAPI
  public var fieldManager: String
  public var width: Int
  /// A read-only identity (the drift CronJob's) may not dry-run a patch: RBAC authorizes a
  /// dry run as the write itself. When set, a dry run the server forbids is replaced by the
  /// object as applied, compared on the fields it sets: what the server would add there
  /// (defaults inside lists without merge keys) could then show as a difference.
  public var compareLocallyWhenForbidden = false
  /// Several environments' read-only checks in one run list each scope once.
  public var sharedListing: SharedListing?

  public init(api: any KubeAPI, fieldManager: String = "release", width: Int = 16) {
    self.api = api
    self.fieldManager = fieldManager
    self.width = width
  }

  public struct Result: Sendable {
    public var changeSet: ChangeSet
    /// Rendered objects as they will be applied, in render order, with what is known of each.
    public var desired: [DesiredObject]
    /// Fields the overlay takes over from other managers, per object.
    public var takeovers: [ResourceID: [Takeover]]
    /// Custom resources whose CRD this environment creates: not dry-run yet.
    public var awaitingDefinition: Set<ResourceID>
    public var tracked: [Value]
    /// Kinds of `rendered` and `alsoTracking` the server serves cluster-scoped: where an
    /// object without a namespace stays without one (the rest land in `default`).
    public var clusterScopedKinds: Set<GroupVersionKind> = []
  }

  /// `observe`, then the change set `diff` and `apply` print and act on.
  public func compare(environment: String, rendered: [Value], lastApplied: [Value] = [], alsoTracking: [Value] = []) async throws(DiffError) -> Result {
    let seen = try await observe(environment: environment, rendered: rendered, lastApplied: lastApplied, alsoTracking: alsoTracking)
    return Result(
      changeSet: ChangeSet.calculate(environment: environment, desired: seen.desired, tracked: seen.tracked), desired: seen.desired,
      takeovers: seen.takeovers, awaitingDefinition: seen.awaitingDefinition, tracked: seen.tracked,
      clusterScopedKinds: seen.clusterScopedKinds)
  }

  /// What the cluster says about each rendered object, without the change set: drift
  /// classifies from this alone, and a change set holds a normalized copy of both sides of
  /// every object, which a large environment cannot afford twice.
  /// - Parameters:
  ///   - rendered: the environment's objects in render order.
  ///   - lastApplied: the objects the last release applied (its record), for the fields it set.
  ///   - alsoTracking: objects whose kinds are listed for tracked objects too, though not
  ///     compared (drift compares the last release while git's kinds may hold orphans).
  public func observe(
    environment: String, rendered: [Value], lastApplied: [Value] = [], alsoTracking: [Value] = []
  ) async throws(DiffError) -> Observation {
    let served: [APIResourceInfo]
    do {
      served = try await api.discovery()
    } catch {
      throw DiffError.api(error, doing: "reading the server's API discovery")
    }
    let catalog = KindCatalog(served: served, rendered: rendered)
    var objects: [Value] = []
    var awaiting = Set<ResourceID>()
    for object in rendered {
      guard let id = object.resourceID else { continue }
      switch catalog.scope(of: id.gvk) {
      case .namespaced:
        var copy = object
        if id.namespace == nil { copy.namespace = "default" }
        objects.append(TrackingLabel.adding(environment, to: copy))
      case .cluster:
        var copy = object
        copy[path: ["metadata", "namespace"]] = nil
        objects.append(TrackingLabel.adding(environment, to: copy))
      case .definedHere(let namespaced):
        var copy = object
        if namespaced, id.namespace == nil { copy.namespace = "default" }
        let tracked = TrackingLabel.adding(environment, to: copy)
        if let trackedID = tracked.resourceID { awaiting.insert(trackedID) }
        objects.append(tracked)
      case .unknown:
        throw DiffError.unknownKind(id)
      }
    }

    // Live state: one LIST per kind and namespace for what we render; one per kind across
    // namespaces, by label, for what is tracked as ours (orphans included).
    let reader = LiveReader(api: api, width: width, shared: sharedListing)
    let renderedScopes = Set(objects.compactMap { object -> LiveReader.Scope? in
      guard let id = object.resourceID, !awaiting.contains(id) else { return nil }
      return LiveReader.Scope(gvk: id.gvk, namespace: id.namespace)
    })
    let trackedKinds = Set((objects + lastApplied + alsoTracking).compactMap { $0.resourceID?.gvk }).filter { catalog.isServed($0) }
    // What is tracked in namespaces listed whole above is found in those lists; the labelled
    // LIST skips them (a field selector every API server supports), so no object is held twice.
    let listedWhole = Dictionary(grouping: renderedScopes, by: \.gvk).mapValues { Set($0.compactMap(\.namespace)) }
    let trackedScopes = trackedKinds.filter { gvk in
      // A cluster-scoped kind listed whole already shows every tracked object of that kind.
      !(catalog.scope(of: gvk) == .cluster && renderedScopes.contains(LiveReader.Scope(gvk: gvk, namespace: nil)))
    }.map { gvk in
      let skip = (listedWhole[gvk] ?? []).sorted().map { "metadata.namespace!=\($0)" }.joined(separator: ",")
      return LiveReader.Scope(
        gvk: gvk, namespace: nil, labelSelector: TrackingLabel.selector(environment: environment),
        fieldSelector: catalog.scope(of: gvk) == .namespaced && !skip.isEmpty ? skip : nil)
    }
    let namespaceScope = LiveReader.Scope(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil)
    let scopes = (Array(renderedScopes) + trackedScopes + [namespaceScope]).sorted { "\($0)" < "\($1)" }
    let listed = try await reader.list(Array(Set(scopes)).sorted { "\($0)" < "\($1)" })
    var live: [ResourceID: Value] = [:]
    for scope in renderedScopes {
      for item in listed[scope] ?? [] { if let id = item.resourceID { live[id] = item } }
    }
    let tracked = trackedScopes.flatMap { listed[$0] ?? [] }
      + renderedScopes.flatMap { listed[$0] ?? [] }.filter { TrackingLabel.environment(of: $0) == environment }
    let liveNamespaces = Set((listed[namespaceScope] ?? []).compactMap(\.name))

    // HPAs own the replicas of what they scale: apply the live count, never reset it.
    let autoscaled = Set(objects.compactMap { hpa -> ResourceID? in
      guard hpa.kind == "HorizontalPodAutoscaler", let target = hpa[path: ["spec", "scaleTargetRef"]],
        let kind = target["kind"]?.stringValue, let name = target["name"]?.stringValue
      else { return nil }
      let gvk = GroupVersionKind(apiVersion: target["apiVersion"]?.stringValue ?? "apps/v1", kind: kind)
      return ResourceID(gvk: gvk, namespace: hpa.namespace, name: name)
    })
    objects = objects.map { object in
      guard let id = object.resourceID, autoscaled.contains(id), let current = live[id]?[path: ["spec", "replicas"]] else { return object }
      var copy = object
      if copy[path: ["spec", "replicas"]] != nil { copy[path: ["spec", "replicas"]] = current }
      return copy
    }

    let lastByID = Dictionary(lastApplied.compactMap { o in o.resourceID.map { ($0, o) } }, uniquingKeysWith: { a, _ in a })
    let manager = fieldManager
    let notYetServed = awaiting
    let liveNow = live
    let locallyWhenForbidden = compareLocallyWhenForbidden
    let dryRuns = await BoundedMap.map(objects, width: width) { [api] object -> DryRun in
      guard let id = object.resourceID, !notYetServed.contains(id) else { return DryRun(predicted: nil, takeovers: [], error: nil) }
      if let current = liveNow[id], NoOpApply.holds(applied: object, live: current, manager: manager, kind: id.gvk.kind) {
        return DryRun(predicted: current, takeovers: [], error: nil, noOp: true)
      }
      // A namespace this apply creates does not exist yet; the server validates the object
      // the same way in any existing namespace, so ask there.
      var probe = object
      if let namespace = id.namespace, !liveNamespaces.contains(namespace) { probe.namespace = "default" }
      let run = await Self.dryRun(probe, api: api, manager: manager, namespace: id.namespace)
      if locallyWhenForbidden, run.error?.reason == .forbidden { return DryRun(predicted: nil, takeovers: [], error: nil) }
      return run
    }
    var desired: [DesiredObject] = []
    var takeovers: [ResourceID: [Takeover]] = [:]
    var rejections: [DiffError.Rejection] = []
    for (object, run) in zip(objects, dryRuns) {
      guard let id = object.resourceID else { continue }
      if let error = run.error { rejections.append(DiffError.Rejection(id: id, error: error)) }
      if !run.takeovers.isEmpty { takeovers[id] = run.takeovers }
      // Without the server's answer (a read-only caller), the live object's managedFields say
      // the same about hand-added fields.
      let foreign = (run.predicted ?? live[id]).map { ForeignFields.find(in: $0, applied: object, kind: id.gvk.kind, ownManager: manager) } ?? []
      desired.append(DesiredObject(
        applied: object, predicted: run.predicted, live: live[id], lastApplied: lastByID[id],
        replicasOwnedByAutoscaler: autoscaled.contains(id), foreignFields: foreign, applyIsNoOp: run.noOp))
    }
    if !rejections.isEmpty { throw DiffError.rejected(rejections) }
    let clusterScoped = Set((rendered + alsoTracking).compactMap { $0.resourceID?.gvk }.filter { catalog.scope(of: $0) == .cluster })
    return Observation(
      desired: desired, takeovers: takeovers, awaitingDefinition: awaiting, tracked: tracked, clusterScopedKinds: clusterScoped)
  }

  struct DryRun: Sendable {
    var predicted: Value?
    var takeovers: [Takeover]
    var error: KubeError?
    /// Known from the live object alone that applying changes nothing (no request made).
    var noOp = false
  }

  /// Unforced first, so conflicts name the fields we would take over and from whom; then forced,
  /// for what the object would become once git wins.
  static func dryRun(_ object: Value, api: any KubeAPI, manager: String, namespace: String?) async -> DryRun {
    do {
      var predicted = try await api.apply(object, options: ApplyOptions(fieldManager: manager, force: false, dryRun: true))
      predicted.namespace = namespace
      return DryRun(predicted: predicted, takeovers: [], error: nil)
    } catch let error where error.isConflict {
      let causes = error.statusCauses.filter { $0.type == "FieldManagerConflict" }
      let takeovers = causes.compactMap { Takeover.parse(message: $0.message, field: $0.field) }
      do {
        var predicted = try await api.apply(object, options: ApplyOptions(fieldManager: manager, force: true, dryRun: true))
        predicted.namespace = namespace
        return DryRun(predicted: predicted, takeovers: takeovers, error: nil)
      } catch {
        return DryRun(predicted: nil, takeovers: takeovers, error: error)
      }
    } catch {
      return DryRun(predicted: nil, takeovers: [], error: error)
    }
  }
}

extension KubeError {
  var statusCauses: [StatusCause] {
    if case .status(let status) = self { return status.details?.causes ?? [] }
    return []
  }
}
