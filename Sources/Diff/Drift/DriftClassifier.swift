public import Manifest

/// Classifies an environment's objects against its last release, purely from values:
///
/// - drifted / missing: the last release's objects compared with the cluster exactly as `diff`
///   compares git with it (`ChangeSet.diff`: the server's dry run of the release's objects,
///   `NoiseRules`, only fields the release set or a person added, quantities by value, Secrets
///   masked), so an untouched environment shows nothing, and each field names who changed it;
/// - orphaned: tracked live objects in neither the last release nor git;
/// - pending: git's objects compared with the last release's (both manifests: no server in
///   between), so a commit not applied yet is told apart from a change in the cluster.
public enum DriftClassifier {
  /// The last release drift is measured against.
  public struct Release: Sendable {
    public var revision: Int
    public var commit: String?
    /// As applied: tracking label added, namespaces defaulted, HPA-owned replicas at their live value.
    public var objects: [Value]

    public init(revision: Int, commit: String?, objects: [Value]) {
      self.revision = revision
      self.commit = commit
      self.objects = objects
    }
  }

  /// - Parameters:
  ///   - rendered: git's objects for the environment, as rendered.
  ///   - release: the last deployed release; nil when there is none (everything git renders is pending).
  ///   - comparison: `ClusterComparer.observe` of the release's objects (`rendered` and
  ///     `lastApplied` both the release's, `alsoTracking` git's), or of none.
  public static func classify(
    environment: String, rendered: [Value], release: Release?, comparison: ClusterComparer.Observation,
    ownManager: String = "release", rules: NoiseRules = .standard
  ) -> DriftReport {
    var findings: [DriftFinding] = []
    var released = Set<ResourceID>()
    for object in comparison.desired {
      guard let id = object.applied.resourceID else { continue }
      released.insert(id)
      guard let live = object.live else {
        findings.append(DriftFinding(id: id, driftClass: .missing))
        continue
      }
      let diff = ChangeSet.diff(object, id: id, rules: rules)
      guard diff.action == .update else { continue }
      // ChangeSet speaks of what applying would do (live → release); drift speaks of what
      // happened (release → live), so added and removed swap.
      let fields = diff.fields.map { change in
        DriftField(
          path: change.path, change: change.kind == .added ? .removed : change.kind == .removed ? .added : .changed,
          released: change.new, current: change.old,
          manager: FieldAttribution.manager(of: change.path, in: live, ownManager: ownManager))
      }
      findings.append(DriftFinding(id: id, driftClass: .drifted, fields: fields, managers: Array(Set(fields.compactMap(\.manager))).sorted()))
    }

    // One object at a time, never a normalized copy of all of git's objects beside the release's.
    let releasedIDs = Set((release?.objects ?? []).compactMap(\.resourceID))
    let git = rendered.lazy.map { normalized($0, environment: environment, releasedIDs: releasedIDs, clusterScoped: comparison.clusterScopedKinds) }
    let gitIDs = Set(git.compactMap(\.resourceID))
    var seen = Set<ResourceID>()
    for live in comparison.tracked {
      guard let id = live.resourceID, !released.contains(id), !gitIDs.contains(id), !seen.contains(id),
        live[path: ["metadata", "deletionTimestamp"]] == nil
      else { continue }
      seen.insert(id)
      findings.append(DriftFinding(id: id, driftClass: .orphaned, managers: FieldAttribution.writers(of: live, ownManager: ownManager)))
    }

    findings += pending(git: git, release: release?.objects ?? [], rules: rules)
    return DriftReport(
      environment: environment, revision: release?.revision, commit: release?.commit, findings: findings, checked: comparison.desired.count)
  }

  /// Git's objects in the form a release records them: tracking label, and the namespace the
  /// server gives an object that names none (`default` for namespaced kinds).
  static func normalized(_ object: Value, environment: String, releasedIDs: Set<ResourceID>, clusterScoped: Set<GroupVersionKind>) -> Value {
    var copy = TrackingLabel.adding(environment, to: object)
    guard let id = object.resourceID, id.namespace == nil else { return copy }
    let inDefault = ResourceID(gvk: id.gvk, namespace: "default", name: id.name)
    // The release knows where the object went; a kind the server does not serve (a CRD
    // git adds) is taken as namespaced, as most custom resources are.
    if releasedIDs.contains(inDefault) || (!releasedIDs.contains(id) && !clusterScoped.contains(id.gvk)) {
      copy.namespace = "default"
    }
    return copy
  }

  /// What applying git would change in the last release's objects, field by field.
  static func pending(git: some Sequence<Value>, release: [Value], rules: NoiseRules) -> [DriftFinding] {
    let releasedByID = Dictionary(release.compactMap { o in o.resourceID.map { ($0, o) } }, uniquingKeysWith: { a, _ in a })
    // spec.replicas of what an HPA scales is the HPA's: the release recorded its live count.
    let autoscaled = Set(git.compactMap(Self.autoscaleTarget) + release.compactMap(Self.autoscaleTarget))
    var findings: [DriftFinding] = []
    var gitIDs = Set<ResourceID>()
    for object in git {
      guard let id = object.resourceID else { continue }
      gitIDs.insert(id)
      guard let before = releasedByID[id] else {
        findings.append(DriftFinding(id: id, driftClass: .pending, pendingAction: "create"))
        continue
      }
      var fields = changes(from: rules.normalized(before), to: rules.normalized(object), kind: id.gvk.kind)
      if autoscaled.contains(id) { fields.removeAll { $0.path == FieldPath([.key("spec"), .key("replicas")]) } }
      if !fields.isEmpty { findings.append(DriftFinding(id: id, driftClass: .pending, fields: fields, pendingAction: "update")) }
    }
    for id in releasedByID.keys.sorted() where !gitIDs.contains(id) {
      findings.append(DriftFinding(id: id, driftClass: .pending, pendingAction: "remove"))
    }
    return findings
  }

  static func changes(from before: Value, to after: Value, kind: String) -> [DriftField] {
    var result: [FieldChange]
    if SecretMask.isSecret(before) || SecretMask.isSecret(after) {
      var plainBefore = before, plainAfter = after
      for key in ["data", "stringData"] {
        plainBefore[key] = nil
        plainAfter[key] = nil
      }
      result = SecretMask.dataChanges(old: before, new: after) + StructuralDiff.changes(from: plainBefore, to: plainAfter, kind: kind)
      // The annotation holds the values in clear: say that it changed, never what it holds.
      result = result.map { change in
        guard change.path.description.contains("last-applied-configuration") else { return change }
        return FieldChange(path: change.path, kind: change.kind, old: nil, new: nil)
      }
    } else {
      result = StructuralDiff.changes(from: before, to: after, kind: kind)
    }
    return result.sorted { $0.path < $1.path }.map { DriftField(path: $0.path, change: $0.kind, released: $0.old, current: $0.new) }
  }

  static func autoscaleTarget(_ hpa: Value) -> ResourceID? {
    guard hpa.kind == "HorizontalPodAutoscaler", let target = hpa[path: ["spec", "scaleTargetRef"]],
      let kind = target["kind"]?.stringValue, let name = target["name"]?.stringValue
    else { return nil }
    let gvk = GroupVersionKind(apiVersion: target["apiVersion"]?.stringValue ?? "apps/v1", kind: kind)
    return ResourceID(gvk: gvk, namespace: hpa.namespace ?? "default", name: name)
  }
}
