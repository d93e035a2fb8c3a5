public import Kube
public import Manifest
internal import Render

/// The simulated API server's semantics over ObjectStore: defaulting, validation, generation,
/// optimistic concurrency, status subresources, managedFields and server-side apply, patches,
/// deletion with finalizers and propagation, eviction, lists and watches. Synchronous and
/// deterministic; time comes in as `now` on every write.
public struct APIServer: Sendable {
  public var store = ObjectStore()
  var nextClusterIP: Int = 10
  /// The optional admission plugins this cluster runs (the scenario's `admission`).
  public var admission = AdmissionPlugins()

  public init() {}

  public static let controllerManager = "kube-controller-manager"

  // MARK: - Reads

  /// The object as a client of `id`'s version reads it.
  public func get(_ id: ResourceID) throws(KubeError) -> Value {
    guard let object = store.get(id) else { throw notFound(id) }
    return VersionConversion.needsConversion(id.gvk) ? VersionConversion.fromStorage(object, to: id.gvk.version) : object
  }

  public func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions = ListOptions()) throws(KubeError)
    -> ObjectList
  {
    let items = try selected(store.list(gvk, namespace: namespace), kind: gvk.kind, options: options)
    var start = 0
    if let token = options.continueToken {
      guard let offset = Int(token), offset >= 0, offset <= items.count else {
        throw KubeError.badRequest("continue token \(token) is invalid")
      }
      start = offset
    }
    var continueToken: String?
    var end = items.count
    if let limit = options.limit, limit > 0, start + limit < items.count {
      end = start + limit
      continueToken = String(end)
    }
    var page = Array(items[start..<end])
    if VersionConversion.needsConversion(gvk) { page = page.map { VersionConversion.fromStorage($0, to: gvk.version) } }
    return ObjectList(items: page, resourceVersion: String(store.resourceVersion), continueToken: continueToken)
  }

  /// The objects that pass the label and field selectors of `options`.
  func selected(_ items: [Value], kind: String, options: ListOptions) throws(KubeError) -> [Value] {
    var items = items
    if let selector = options.labelSelector, !selector.isEmpty {
      let parsed: LabelSelector
      do {
        parsed = try LabelSelector(parsing: selector)
      } catch {
        throw KubeError.badRequest("unable to parse requirement: \(error.message)")
      }
      items = items.filter { parsed.matches($0.labelStrings) }
    }
    if let fieldSelector = options.fieldSelector, !fieldSelector.isEmpty {
      let requirements = try FieldSelector(parsing: fieldSelector, kind: kind)
      items = items.filter(requirements.matches)
    }
    return items
  }

  /// Changes after `resourceVersion` for one kind (and namespace): the body of a watch.
  public func changes(of gvk: GroupVersionKind, namespace: String?, after resourceVersion: Int64) throws(KubeError)
    -> [WatchEvent]
  {
    guard let changes = store.changes(after: resourceVersion) else {
      throw KubeError.gone("too old resource version: \(resourceVersion) (\(store.compactedThrough))")
    }
    return changes.filter { change in
      change.object.kind == gvk.kind && (change.object.gvk?.group ?? "") == gvk.group
        && (namespace == nil || change.object.namespace == namespace)
    }.map {
      let object = VersionConversion.needsConversion(gvk) ? VersionConversion.fromStorage($0.object, to: gvk.version) : $0.object
      return WatchEvent(type: WatchEventType(rawValue: $0.type.rawValue) ?? .modified, object: object)
    }
  }

  // MARK: - Writes

  /// Every write stores the storage version and answers in the version it was sent in.
  public mutating func create(_ object: Value, manager: String?, dryRun: Bool = false, now: SimInstant) throws(KubeError) -> Value {
    let created = try createStored(VersionConversion.toStorage(object), manager: manager, dryRun: dryRun, now: now)
    return VersionConversion.fromStorage(created, to: object.gvk?.version ?? "")
  }

  mutating func createStored(_ object: Value, manager: String?, dryRun: Bool, now: SimInstant) throws(KubeError) -> Value {
    var object = object
    let generated = object.name == nil
    guard let id = object.resourceID ?? generateName(&object) else {
      throw KubeError.badRequest("object has no apiVersion, kind or metadata.name")
    }
    let id2 = try normalizedID(id, object: &object)
    try requireNamespace(id2, name: generated ? "" : id2.name)
    if store.get(id2) != nil { throw alreadyExists(id2) }
    var stored = object
    if hasStatusSubresource(id2.gvk) { stored["status"] = nil }
    stored[path: ["metadata", "uid"]] = .string(dryRun ? "dry-run" : store.nextUID())
    stored[path: ["metadata", "creationTimestamp"]] = .string(now.rfc3339)
    stored[path: ["metadata", "resourceVersion"]] = nil
    if hasSpec(id2.gvk) { stored[path: ["metadata", "generation"]] = 1 }
    stored[path: ["metadata", "managedFields"]] = nil
    let ownedLeaves = FieldSet.leaves(of: object, kind: id2.gvk.kind)
    stored = setManagedFields(stored, entries: [ManagedEntry(manager: manager ?? "unknown", operation: "Update", apiVersion: id2.gvk.apiVersion, leaves: ownedLeaves, time: now)])
    try admit(&stored, old: nil, id: id2)
    if dryRun { return stored }
    return store.put(stored, id: id2)
  }

  /// PUT: replaces the object (or its status). Optimistic concurrency when the body carries a
  /// resourceVersion; status is ignored on the main resource of kinds with a status subresource.
  public mutating func update(_ object: Value, subresource: String? = nil, manager: String?, dryRun: Bool = false, now: SimInstant)
    throws(KubeError) -> Value
  {
    let updated = try updateStored(VersionConversion.toStorage(object), subresource: subresource, manager: manager, dryRun: dryRun, now: now)
    return VersionConversion.fromStorage(updated, to: object.gvk?.version ?? "")
  }

  mutating func updateStored(_ object: Value, subresource: String?, manager: String?, dryRun: Bool, now: SimInstant) throws(KubeError) -> Value {
    var object = object
    guard let rawID = object.resourceID else { throw KubeError.badRequest("object has no apiVersion, kind or metadata.name") }
    let id = try normalizedID(rawID, object: &object)
    guard let old = store.get(id) else { throw notFound(id) }
    if let sent = object[path: ["metadata", "resourceVersion"]]?.stringValue, !sent.isEmpty,
      sent != old[path: ["metadata", "resourceVersion"]]?.stringValue
    {
      throw conflict(id, "the object has been modified; please apply your changes to the latest version and try again")
    }
    var next: Value
    if subresource == "status" {
      next = old
      next["status"] = object["status"]
    } else {
      next = object
      if hasStatusSubresource(id.gvk) { next["status"] = old["status"] }
      for key in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"] {
        next[path: ["metadata", key]] = old[path: ["metadata", key]]
      }
    }
    return try commitUpdate(next, old: old, id: id, manager: manager ?? "unknown", operation: "Update", dryRun: dryRun, now: now)
  }

  /// Server-side apply: the applier's fields merge into the live object; fields it applied
  /// before and now omits are removed unless another manager owns them; a field another
  /// manager owns with a different value is a conflict unless forced (then ownership moves).
  public mutating func apply(_ applied: Value, manager: String, force: Bool, dryRun: Bool = false, now: SimInstant) throws(KubeError)
    -> Value
  {
    let result = try applyStored(VersionConversion.toStorage(applied), manager: manager, force: force, dryRun: dryRun, now: now)
    return VersionConversion.fromStorage(result, to: applied.gvk?.version ?? "")
  }

  mutating func applyStored(_ applied: Value, manager: String, force: Bool, dryRun: Bool, now: SimInstant) throws(KubeError) -> Value
  {
    var applied = applied
    guard let rawID = applied.resourceID else { throw KubeError.badRequest("object has no apiVersion, kind or metadata.name") }
    let id = try normalizedID(rawID, object: &applied)
    let kind = id.gvk.kind
    let appliedLeaves = FieldSet.leaves(of: applied, kind: kind)
    guard let live = store.get(id) else {
      var created = try create(applied, manager: manager, dryRun: true, now: now)
      created = setManagedFields(created, entries: [ManagedEntry(manager: manager, operation: "Apply", apiVersion: id.gvk.apiVersion, leaves: appliedLeaves, time: now)])
      if dryRun { return created }
      created[path: ["metadata", "uid"]] = .string(store.nextUID())
      return store.put(created, id: id)
    }
    var entries = managedEntries(live)
    let previous = entries.first { $0.manager == manager && $0.operation == "Apply" }?.leaves ?? []

    var conflicts: [(String, [String])] = []
    for entry in entries where !(entry.manager == manager && entry.operation == "Apply") {
      for leaf in appliedLeaves.intersection(entry.leaves).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        if Self.differs(at: leaf, old: live, new: applied, kind: kind) { conflicts.append((entry.manager, leaf)) }
      }
    }
    if !conflicts.isEmpty && !force {
      let lines = conflicts.map { "conflict with \"\($0.0)\" using \(id.gvk.apiVersion): \(FieldSet.describe($0.1))" }
      let message = "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): " + lines.joined(separator: "\n")
      throw KubeError.status(
        Status(code: 409, reason: .conflict, message: message,
          details: StatusDetails(name: id.name, group: id.gvk.group, kind: resourceName(id.gvk),
            causes: conflicts.map { StatusCause(type: "FieldManagerConflict", field: FieldSet.describe($0.1), message: "conflict with \"\($0.0)\" using \(id.gvk.apiVersion)") })))
    }
    // Fields this manager applied before and now leaves out go, unless someone else owns them.
    let othersOwn = entries.filter { !($0.manager == manager && $0.operation == "Apply") }.reduce(into: Set<[String]>()) { $0.formUnion($1.leaves) }
    var base = live
    for leaf in previous.subtracting(appliedLeaves).subtracting(othersOwn) {
      base = Self.removing(leaf, from: base, kind: kind)
    }
    var merged: Value
    do {
      merged = try StrategicMerge.apply(applied, to: base) ?? base
    } catch {
      throw KubeError.badRequest(error.message)
    }
    for key in ["uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp"] {
      merged[path: ["metadata", key]] = live[path: ["metadata", key]]
    }
    if hasStatusSubresource(id.gvk) { merged["status"] = live["status"] }
    // Forced conflicts move ownership to the applier.
    for index in entries.indices where !(entries[index].manager == manager && entries[index].operation == "Apply") {
      let lost = Set(conflicts.filter { $0.0 == entries[index].manager }.map(\.1))
      entries[index].leaves.subtract(lost)
    }
    entries.removeAll { $0.manager == manager && $0.operation == "Apply" }
    entries.append(ManagedEntry(manager: manager, operation: "Apply", apiVersion: id.gvk.apiVersion, leaves: appliedLeaves, time: now))
    entries.removeAll { $0.leaves.isEmpty }
    merged = setManagedFields(merged, entries: entries)
    return try commitUpdate(merged, old: live, id: id, manager: nil, operation: "Apply", dryRun: dryRun, now: now)
  }

  public mutating func patch(
    _ id: ResourceID, type: PatchType, body: Value, subresource: String? = nil, manager: String?, dryRun: Bool = false,
    now: SimInstant
  ) throws(KubeError) -> Value {
    if type == .apply {
      var object = body
      object["apiVersion"] = .string(id.gvk.apiVersion)
      object["kind"] = .string(id.gvk.kind)
      object.name = id.name
      if let ns = id.namespace { object.namespace = ns }
      return try apply(object, manager: manager ?? "unknown", force: false, dryRun: dryRun, now: now)
    }
    let resolved = try normalizedStoredID(id)
    guard let old = store.get(resolved) else { throw notFound(resolved) }
    if subresource == "scale" {
      guard let replicas = body[path: ["spec", "replicas"]]?.intValue else { throw KubeError.badRequest("scale patch needs spec.replicas") }
      var next = old
      next[path: ["spec", "replicas"]] = .int(replicas)
      return try commitUpdate(next, old: old, id: resolved, manager: manager ?? "unknown", operation: "Update", dryRun: dryRun, now: now)
    }
    // A patch applies to the object as the client's version shows it.
    let view = VersionConversion.fromStorage(old, to: id.gvk.version)
    let target = subresource == "status" ? ["status": view["status"] ?? [:]] as Value : view
    var patched: Value
    do {
      switch type {
      case .json: patched = try JSONPatch.apply(body.arrayValue ?? [], to: target)
      case .merge: patched = MergePatch.apply(body, to: target)
      case .strategicMerge, .apply: patched = try StrategicMerge.apply(body, to: target) ?? target
      }
    } catch {
      throw KubeError.status(Status(code: 422, reason: .invalid, message: "the patch could not be applied: \(error.message)"))
    }
    var next: Value
    if subresource == "status" {
      var patchedView = view
      patchedView["status"] = patched["status"]
      next = old
      next["status"] = VersionConversion.toStorage(patchedView)["status"]
    } else {
      next = VersionConversion.toStorage(patched)
      if hasStatusSubresource(resolved.gvk) { next["status"] = old["status"] }
      for key in ["uid", "creationTimestamp", "generation", "resourceVersion"] {
        next[path: ["metadata", key]] = old[path: ["metadata", key]]
      }
    }
    let nextID = next.resourceID.flatMap { try? normalizedStoredID($0) }
    if Self.versionless(nextID) != Self.versionless(resolved) {
      throw KubeError.badRequest("a patch may not change the object's name, namespace or kind")
    }
    let committed = try commitUpdate(next, old: old, id: resolved, manager: manager ?? "unknown", operation: "Update", dryRun: dryRun, now: now)
    return VersionConversion.fromStorage(committed, to: id.gvk.version)
  }

  /// `scale` subresource GET: an autoscaling/v1 Scale.
  public func scale(_ id: ResourceID) throws(KubeError) -> Value {
    let object = try get(id)
    return [
      "apiVersion": "autoscaling/v1", "kind": "Scale",
      "metadata": ["name": .string(id.name), "namespace": .string(id.namespace ?? ""), "resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""],
      "spec": ["replicas": object[path: ["spec", "replicas"]] ?? 0],
      "status": ["replicas": object[path: ["status", "replicas"]] ?? 0, "selector": .string(selectorString(object))],
    ]
  }

  /// Shared tail of every update: admission, generation bump on spec change, managed fields
  /// for Update managers, and the no-op rule (an identical object keeps its resourceVersion).
  mutating func commitUpdate(_ proposed: Value, old: Value, id: ResourceID, manager: String?, operation: String, dryRun: Bool, now: SimInstant)
    throws(KubeError) -> Value
  {
    var next = proposed
    try admit(&next, old: old, id: id)
    if let manager {
      let changed = Self.changedLeaves(from: old, to: next, kind: id.gvk.kind)
      var entries = managedEntries(old)
      if !changed.isEmpty {
        // Only entries that lose a field are touched: an untouched one keeps the value it was read as.
      for index in entries.indices where entries[index].manager != manager && !entries[index].leaves.isDisjoint(with: changed) {
        entries[index].leaves.subtract(changed)
      }
        if let mine = entries.firstIndex(where: { $0.manager == manager && $0.operation == operation }) {
          entries[mine].leaves.formUnion(changed)
          entries[mine].time = now
        } else {
          entries.append(ManagedEntry(manager: manager, operation: operation, apiVersion: id.gvk.apiVersion, leaves: changed, time: now))
        }
        entries.removeAll { $0.leaves.isEmpty }
      }
      next = setManagedFields(next, entries: entries)
    }
    if hasSpec(id.gvk), !(next["spec"] ?? .null).isSameObject(as: old["spec"] ?? .null) {
      next[path: ["metadata", "generation"]] = .int((old[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
    }
    next[path: ["metadata", "resourceVersion"]] = old[path: ["metadata", "resourceVersion"]]
    if next.isSameObject(as: old) || dryRun { return dryRun ? next : old }
    // Finalizers emptied on a terminating object release it.
    // A namespace is also held by its spec finalizers (the namespace controller's).
    if next.isTerminating, (next[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty, !isGracefulPod(next),
      id.gvk != Self.gvkNamespace || Self.namespaceFinalized(next)
    {
      return store.remove(id) ?? next
    }
    return store.put(next, id: id)
  }

  mutating func admit(_ object: inout Value, old: Value?, id: ResourceID) throws(KubeError) {
    var counter = nextClusterIP
    Defaulting.apply(&object) {
      counter += 1
      return "10.96.\(counter / 250).\(counter % 250 + 1)"
    }
    nextClusterIP = counter
    if id.gvk == Self.gvkNamespace { Self.prepareNamespace(&object, old: old) }
    if admission.extendedResourceToleration, id.gvk.kind == "Pod", id.gvk.group.isEmpty {
      ExtendedResourceToleration.admit(&object)
    }
    if let old, object.kind == "Service", let ip = old[path: ["spec", "clusterIP"]] {
      object[path: ["spec", "clusterIP"]] = ip
      object[path: ["spec", "clusterIPs"]] = old[path: ["spec", "clusterIPs"]]
    }
    let causes = Validation.validate(object, old: old)
    if !causes.isEmpty {
      throw KubeError.invalid(kind: id.gvk.kind, group: id.gvk.group, name: id.name, causes: causes)
    }
  }

  /// Upstream's namespace strategy: a new namespace is Active and carries the `kubernetes`
  /// finalizer (the namespace controller's hold until its content is gone); an update keeps
  /// both, since only deletion and the controller's finalize change them.
  static func prepareNamespace(_ namespace: inout Value, old: Value?) {
    if let old {
      namespace[path: ["spec", "finalizers"]] = old[path: ["spec", "finalizers"]]
      if namespace[path: ["spec"]]?.objectValue?.isEmpty == true { namespace["spec"] = old["spec"] ?? [:] }
      return
    }
    var finalizers = namespace[path: ["spec", "finalizers"]]?.arrayValue ?? []
    if !finalizers.contains("kubernetes") { finalizers.append("kubernetes") }
    namespace[path: ["spec", "finalizers"]] = .array(finalizers)
    namespace["status"] = ["phase": "Active"]
  }

  /// Leaves whose value differs between two versions, or that the new version adds.
  static func changedLeaves(from old: Value, to new: Value, kind: String) -> Set<[String]> {
    let newLeaves = FieldSet.leaves(of: unchangedSectionsRemoved(from: new, comparedWith: old), kind: kind)
    return newLeaves.filter { differs(at: $0, old: old, new: new, kind: kind) }
  }

  /// `new` without the top-level sections (and metadata fields) equal in `old`: no leaf in
  /// them can differ, and walking them leaf by leaf on every controller write (a pod's whole
  /// spec for a status change) was most of the cost of a write.
  static func unchangedSectionsRemoved(from new: Value, comparedWith old: Value) -> Value {
    guard case .object(var sections) = new else { return new }
    for (key, value) in new.objectValue ?? [:] {
      guard let before = old[key] else { continue }
      if key == "metadata", case .object(var fields) = value {
        for (field, item) in value.objectValue ?? [:] where before[field].map(item.isSameObject) == true { fields[field] = nil }
        sections[key] = .object(fields)
      } else if value.isSameObject(as: before) {
        sections[key] = nil
      }
    }
    return .object(sections)
  }

  /// A list element's own marker (`.`) changes only when the element comes or goes; its
  /// fields are compared leaf by leaf, as structured-merge-diff does.
  static func differs(at leaf: [String], old: Value, new: Value, kind: String) -> Bool {
    let before = FieldSet.value(at: leaf, in: old, kind: kind)
    let after = FieldSet.value(at: leaf, in: new, kind: kind)
    if leaf.last == "." { return (before == nil) != (after == nil) }
    switch (before, after) {
    case (nil, nil): return false
    case (let before?, let after?): return !before.isSameObject(as: after)
    default: return true
    }
  }

  static func removing(_ leaf: [String], from object: Value, kind: String) -> Value {
    guard let last = leaf.last else { return object }
    var copy = object
    func remove(_ value: inout Value, _ tokens: ArraySlice<String>) {
      guard let token = tokens.first else { return }
      let rest = tokens.dropFirst()
      if token.hasPrefix("f:") {
        let key = String(token.dropFirst(2))
        if rest.isEmpty || rest == ["."] {
          value[key] = nil
        } else if var child = value[key] {
          remove(&child, rest)
          value[key] = child
        }
      } else if case .array(var items) = value, let (field, expected) = FieldSet.keyToken(token) {
        guard let index = items.firstIndex(where: { $0[field] == expected }) else { return }
        if rest.isEmpty || rest == ["."] {
          items.remove(at: index)
        } else {
          remove(&items[index], rest)
        }
        value = .array(items)
      } else if token.hasPrefix("v:"), case .array(let items) = value, let expected = try? JSON.parse(String(token.dropFirst(2))) {
        value = .array(items.filter { $0 != expected })
      }
    }
    _ = last
    remove(&copy, leaf[...])
    return copy
  }

  // MARK: - Helpers

  func hasSpec(_ gvk: GroupVersionKind) -> Bool {
    !["ConfigMap", "Secret", "Namespace", "ServiceAccount", "Event", "Endpoints", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "EndpointSlice"].contains(gvk.kind)
  }

  func hasStatusSubresource(_ gvk: GroupVersionKind) -> Bool {
    BuiltinResources.info(for: gvk)?.subresources.contains("status") ?? false
  }

  func isGracefulPod(_ object: Value) -> Bool { object.kind == "Pod" && object.isTerminating }

  func resourceName(_ gvk: GroupVersionKind) -> String {
    BuiltinResources.info(for: gvk)?.resource ?? gvk.kind.lowercased() + "s"
  }

  func notFound(_ id: ResourceID) -> KubeError {
    KubeError.notFound(resourceName(id.gvk), group: id.gvk.group, name: id.name)
  }

  func alreadyExists(_ id: ResourceID) -> KubeError {
    KubeError.alreadyExists(resourceName(id.gvk), group: id.gvk.group, name: id.name)
  }

  func conflict(_ id: ResourceID, _ message: String) -> KubeError {
    KubeError.conflict(resourceName(id.gvk), group: id.gvk.group, name: id.name, message: message)
  }

  /// Namespaced kinds get `default` when unset; cluster-scoped ones lose any namespace.
  func normalizedID(_ id: ResourceID, object: inout Value) throws(KubeError) -> ResourceID {
    var id = id
    let namespaced = BuiltinResources.info(for: id.gvk)?.namespaced ?? true
    if namespaced {
      if id.namespace == nil {
        id.namespace = "default"
        object.namespace = "default"
      }
    } else {
      id.namespace = nil
      object[path: ["metadata", "namespace"]] = nil
    }
    return id
  }

  func normalizedStoredID(_ id: ResourceID) throws(KubeError) -> ResourceID {
    var copy = Value.object([:])
    return try normalizedID(id, object: &copy)
  }

  /// Upstream's NamespaceLifecycle admission on create: the namespace must exist and must not
  /// be terminating. `name` is empty for a generateName create, as admission sees it.
  func requireNamespace(_ id: ResourceID, name: String) throws(KubeError) {
    guard let namespace = id.namespace else { return }
    guard let ns = store.get(Self.namespaceID(namespace)) else {
      if namespace == "default" || namespace == "kube-system" { return }
      throw KubeError.notFound("namespaces", group: "", name: namespace)
    }
    if ns.isTerminating {
      let resource = resourceName(id.gvk)
      let qualified = id.gvk.group.isEmpty ? resource : "\(resource).\(id.gvk.group)"
      let subject = name.isEmpty ? qualified : "\(qualified) \"\(name)\""
      throw KubeError.status(Status(
        code: 403, reason: .forbidden,
        message: "\(subject) is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
        details: StatusDetails(
          name: name, group: id.gvk.group, kind: resource,
          causes: [StatusCause(type: "NamespaceTerminating", field: "metadata.namespace", message: "namespace \(namespace) is being terminated")])))
    }
  }

  static let gvkNamespace = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

  static func namespaceID(_ name: String) -> ResourceID {
    ResourceID(gvk: gvkNamespace, namespace: nil, name: name)
  }

  /// `metadata.generateName` gets a deterministic suffix from the uid counter.
  mutating func generateName(_ object: inout Value) -> ResourceID? {
    guard let prefix = object[path: ["metadata", "generateName"]]?.stringValue, let gvk = object.gvk else { return nil }
    let suffix = String(store.uidCounter + 1, radix: 36)
    object.name = prefix + String(repeating: "0", count: max(0, 5 - suffix.count)) + suffix
    return ResourceID(gvk: gvk, namespace: object.namespace, name: object.name ?? prefix)
  }

  /// Identity without the version: one object whatever version names it.
  static func versionless(_ id: ResourceID?) -> ResourceID? {
    guard var id else { return nil }
    id.gvk.version = ""
    return id
  }

  func selectorString(_ object: Value) -> String {
    (object[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:]).map { "\($0.key)=\($0.value.stringValue ?? "")" }.sorted().joined(separator: ",")
  }
}
