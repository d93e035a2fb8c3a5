public import Manifest

/// Every object's change for one environment: computed once, purely from values, and shared
/// by `diff`, `apply` (its summary and what it writes) and drift.
public struct ChangeSet: Sendable, Equatable {
  public var environment: String
  /// Rendered objects in render order, then objects to prune in identity order.
  public var objects: [ObjectDiff]

  public init(environment: String, objects: [ObjectDiff]) {
    self.environment = environment
    self.objects = objects
  }

  public var changed: [ObjectDiff] { objects.filter { $0.action != .unchanged } }
  public var hasChanges: Bool { objects.contains { $0.action != .unchanged } }

  public func count(_ action: ObjectDiff.Action) -> Int { objects.filter { $0.action == action }.count }

  /// - Parameters:
  ///   - desired: the rendered objects with what the cluster says about each.
  ///   - tracked: live objects labelled as this environment's (any kind, any namespace).
  public static func calculate(
    environment: String, desired: [DesiredObject], tracked: [Value], rules: NoiseRules = .standard
  ) -> ChangeSet {
    var objects: [ObjectDiff] = []
    var rendered = Set<ResourceID>()
    for object in desired {
      guard let id = object.applied.resourceID else { continue }
      rendered.insert(id)
      objects.append(diff(object, id: id, rules: rules))
    }
    let orphans = tracked.compactMap { live -> (ResourceID, Value)? in
      guard let id = live.resourceID, !rendered.contains(id), live[path: ["metadata", "deletionTimestamp"]] == nil else { return nil }
      return (id, live)
    }.sorted { $0.0 < $1.0 }
    for (id, live) in orphans {
      let (before, _) = SecretMask.mask(old: rules.normalized(live), new: nil)
      objects.append(ObjectDiff(id: id, action: .prune, fields: [], before: before, after: nil))
    }
    return ChangeSet(environment: environment, objects: objects)
  }

  static func diff(_ object: DesiredObject, id: ResourceID, rules: NoiseRules) -> ObjectDiff {
    let predicted = object.predicted.map { ForeignFields.removing(object.foreignFields.map(\.path), from: $0) }
    let after = rules.normalized(predicted ?? object.applied)
    guard let liveObject = object.live else {
      let (_, masked) = SecretMask.mask(old: nil, new: after)
      return ObjectDiff(id: id, action: .create, fields: [], before: nil, after: masked)
    }
    let before = rules.normalized(liveObject)
    let kind = id.gvk.kind
    var fields: [FieldChange]
    if SecretMask.isSecret(after) {
      var plainBefore = before, plainAfter = after
      for key in ["data", "stringData"] {
        plainBefore[key] = nil
        plainAfter[key] = nil
      }
      fields = SecretMask.dataChanges(old: before, new: after)
        + StructuralDiff.changes(from: plainBefore, to: plainAfter, kind: kind)
      fields.removeAll { $0.path.description.hasPrefix("metadata.annotations") && $0.path.description.contains("last-applied-configuration") }
    } else {
      fields = StructuralDiff.changes(from: before, to: after, kind: kind)
    }
    // Only what git has a say over: fields the manifest sets or the last release set. The rest
    // (server defaults, other controllers' fields) is the cluster's business.
    let owned = FieldLeaves.of(object.applied, kind: kind) + (object.lastApplied.map { FieldLeaves.of($0, kind: kind) } ?? [])
      + object.foreignFields.map(\.path)
    // A Secret's stringData becomes data on the server: git's say over one is over the other.
    let ownedWithData = owned + owned.compactMap { path -> FieldPath? in
      guard path.steps.first == .key("stringData") else { return nil }
      return FieldPath([.key("data")] + path.steps.dropFirst())
    }
    fields = fields.filter { change in ownedWithData.contains { $0.overlaps(change.path) } }
    if object.replicasOwnedByAutoscaler {
      fields.removeAll { $0.path == FieldPath([.key("spec"), .key("replicas")]) }
    }
    fields.sort { $0.path < $1.path }
    let (maskedBefore, maskedAfter) = SecretMask.mask(old: before, new: after)
    return ObjectDiff(id: id, action: fields.isEmpty ? .unchanged : .update, fields: fields, before: maskedBefore, after: maskedAfter)
  }
}
