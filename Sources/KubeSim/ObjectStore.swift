public import Manifest

/// Storage of the simulated API server: objects indexed by kind (so listing one kind never
/// scans the others), a cluster-wide monotonic resourceVersion, and a bounded change log that
/// watches replay from. No API semantics here; APIServer adds them.
public struct ObjectStore: Sendable {
  public enum ChangeType: String, Sendable, Codable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

  public struct Change: Sendable, Hashable {
    public var type: ChangeType
    public var object: Value
    public var resourceVersion: Int64
  }

  /// Group and kind: one storage bucket serves every version of a kind.
  public struct Bucket: Hashable, Sendable, Comparable {
    public var group: String
    public var kind: String
    public init(_ gvk: GroupVersionKind) {
      group = gvk.group
      kind = gvk.kind
    }
    public static func < (a: Self, b: Self) -> Bool { (a.group, a.kind) < (b.group, b.kind) }
  }

  public struct Key: Hashable, Sendable, Comparable {
    public var namespace: String
    public var name: String
    public static func < (a: Self, b: Self) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
  }

  public private(set) var resourceVersion: Int64 = 0
  private var buckets: [Bucket: [Key: Value]] = [:]
  /// The resourceVersion of each kind's latest write, so a controller can tell cheaply that
  /// nothing of its kind changed.
  private var bucketVersions: [Bucket: Int64] = [:]
  var uidCounter: Int64 = 0
  public private(set) var changes: [Change] = []
  /// Changes at or before this version were dropped from the log: older watches get 410.
  public private(set) var compactedThrough: Int64 = 0
  let changeLogLimit: Int

  public init(changeLogLimit: Int = 10_000) { self.changeLogLimit = changeLogLimit }

  static func key(_ id: ResourceID) -> Key { Key(namespace: id.namespace ?? "", name: id.name) }

  public func get(_ id: ResourceID) -> Value? { buckets[Bucket(id.gvk)]?[Self.key(id)] }

  /// Objects of one kind ordered by namespace then name, as the API server lists them.
  public func list(_ gvk: GroupVersionKind, namespace: String? = nil) -> [Value] {
    guard let bucket = buckets[Bucket(gvk)] else { return [] }
    return bucket.filter { namespace == nil || $0.key.namespace == namespace }.sorted { $0.key < $1.key }.map(\.value)
  }

  public var count: Int { buckets.values.reduce(0) { $0 + $1.count } }

  public var allBuckets: [Bucket] { buckets.keys.sorted() }

  public mutating func nextUID() -> String {
    uidCounter += 1
    let hex = String(uidCounter, radix: 16)
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
  }

  /// Stores `object` (new or replacing), stamping the next resourceVersion.
  @discardableResult
  public mutating func put(_ object: Value, id: ResourceID) -> Value {
    resourceVersion += 1
    var stored = object
    stored[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
    let existed = buckets[Bucket(id.gvk), default: [:]].updateValue(stored, forKey: Self.key(id)) != nil
    bucketVersions[Bucket(id.gvk)] = resourceVersion
    record(Change(type: existed ? .modified : .added, object: stored, resourceVersion: resourceVersion))
    return stored
  }

  @discardableResult
  public mutating func remove(_ id: ResourceID) -> Value? {
    guard var removed = buckets[Bucket(id.gvk)]?.removeValue(forKey: Self.key(id)) else { return nil }
    resourceVersion += 1
    bucketVersions[Bucket(id.gvk)] = resourceVersion
    removed[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
    record(Change(type: .deleted, object: removed, resourceVersion: resourceVersion))
    return removed
  }

  private mutating func record(_ change: Change) {
    changes.append(change)
    if changes.count > changeLogLimit {
      let drop = changes.count - changeLogLimit
      compactedThrough = changes[drop - 1].resourceVersion
      changes.removeFirst(drop)
    }
  }

  /// The resourceVersion of the latest write to objects of this group and kind (0: none yet).
  public func versionOfLastChange(to gvk: GroupVersionKind) -> Int64 { bucketVersions[Bucket(gvk)] ?? 0 }

  /// Changes after `version`; nil when the log no longer reaches back that far.
  public func changes(after version: Int64) -> [Change]? {
    if version < compactedThrough { return nil }
    // The log is in resourceVersion order: a binary search, since controllers and watches ask
    // after every pass and the log holds up to `changeLogLimit` entries.
    var low = changes.startIndex
    var high = changes.endIndex
    while low < high {
      let middle = low + (high - low) / 2
      if changes[middle].resourceVersion > version { high = middle } else { low = middle + 1 }
    }
    return Array(changes[low...])
  }

  /// Restores a snapshot (persistence): objects as stored, counters as they were.
  public mutating func restore(objects: [Value], resourceVersion: Int64, uidCounter: Int64) {
    buckets = [:]
    for object in objects {
      guard let id = object.resourceID else { continue }
      buckets[Bucket(id.gvk), default: [:]][Self.key(id)] = object
    }
    self.resourceVersion = resourceVersion
    bucketVersions = buckets.mapValues { _ in resourceVersion }
    self.uidCounter = uidCounter
    changes = []
    compactedThrough = resourceVersion
  }

  /// Every object, in a stable order (kind, namespace, name).
  public var allObjects: [Value] {
    allBuckets.flatMap { bucket in (buckets[bucket] ?? [:]).sorted { $0.key < $1.key }.map(\.value) }
  }
}
