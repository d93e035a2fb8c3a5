public import Kube
public import Manifest
public import OrderedCollections

/// The simulated API server's storage: every object by identity, a cluster-wide
/// monotonic resourceVersion, and the change log watches are served from.
///
/// Basic CRUD only; API semantics (validation, defaulting, SSA, generation) layer on top.
public struct ObjectStore: Sendable {
  public enum ChangeType: String, Sendable, Codable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

  public struct Change: Sendable, Hashable {
    public var type: ChangeType
    public var object: Value
    public var resourceVersion: Int64
  }

  public private(set) var resourceVersion: Int64 = 0
  private var objects: [ResourceID: Value] = [:]
  private var uidCounter: Int64 = 0
  /// Every change in order; watches replay from here.
  public private(set) var changes: [Change] = []

  public init() {}

  public func get(_ id: ResourceID) -> Value? { objects[id] }

  /// Objects of one kind, in one namespace or all, ordered by namespace then name (as the
  /// real API server lists them, which keeps output and the simulation deterministic).
  public func list(_ gvk: GroupVersionKind, namespace: String? = nil) -> [Value] {
    objects
      .filter { $0.key.gvk == gvk && (namespace == nil || $0.key.namespace == namespace) }
      .sorted { $0.key < $1.key }
      .map(\.value)
  }

  public var count: Int { objects.count }

  /// Stores a new object, assigning uid, resourceVersion and creationTimestamp.
  public mutating func create(_ object: Value, now: SimInstant) throws(KubeError) -> Value {
    guard let id = object.resourceID else {
      throw KubeError.notFound("object has no apiVersion, kind or metadata.name")
    }
    if objects[id] != nil { throw KubeError.notFound("\(id) already exists") }
    var stored = object
    uidCounter += 1
    stored[path: ["metadata", "uid"]] = .string(Self.uid(uidCounter))
    stored[path: ["metadata", "creationTimestamp"]] = .string(now.rfc3339)
    return commit(stored, id: id, type: .added)
  }

  /// Replaces an existing object; when the caller sent a resourceVersion it must match
  /// (optimistic concurrency, as the API server enforces).
  public mutating func update(_ object: Value) throws(KubeError) -> Value {
    guard let id = object.resourceID, let existing = objects[id] else {
      throw KubeError.notFound(object.resourceID?.description ?? "object")
    }
    if let sent = object[path: ["metadata", "resourceVersion"]]?.stringValue,
      sent != existing[path: ["metadata", "resourceVersion"]]?.stringValue
    {
      throw KubeError.notFound("\(id): resourceVersion \(sent) is stale")
    }
    var stored = object
    stored[path: ["metadata", "uid"]] = existing[path: ["metadata", "uid"]]
    stored[path: ["metadata", "creationTimestamp"]] = existing[path: ["metadata", "creationTimestamp"]]
    if stored == existing.withResourceVersion(of: stored) { return existing }
    return commit(stored, id: id, type: .modified)
  }

  /// Removes an object at once (finalizers and propagation are handled above the store).
  @discardableResult
  public mutating func remove(_ id: ResourceID) -> Value? {
    guard var removed = objects.removeValue(forKey: id) else { return nil }
    resourceVersion += 1
    removed[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
    changes.append(Change(type: .deleted, object: removed, resourceVersion: resourceVersion))
    return removed
  }

  private mutating func commit(_ object: Value, id: ResourceID, type: ChangeType) -> Value {
    resourceVersion += 1
    var stored = object
    stored[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
    objects[id] = stored
    changes.append(Change(type: type, object: stored, resourceVersion: resourceVersion))
    return stored
  }

  /// Deterministic, UUID-shaped identifiers: the same run yields the same uids.
  static func uid(_ n: Int64) -> String {
    let hex = String(n, radix: 16)
    let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    return "00000000-0000-4000-8000-\(padded)"
  }
}

extension Value {
  fileprivate func withResourceVersion(of other: Value) -> Value {
    var copy = self
    copy[path: ["metadata", "resourceVersion"]] = other[path: ["metadata", "resourceVersion"]]
    return copy
  }
}
