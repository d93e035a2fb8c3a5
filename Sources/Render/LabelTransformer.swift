import Manifest

/// `commonLabels` and `labels`: metadata labels everywhere, and — with selectors included —
/// the selectors and pod-template labels kustomize's commonLabels field specs name, so that
/// workloads keep selecting their own pods.
public struct LabelTransformer: Sendable {
  public var labels: [(String, String)]
  public var specs: [FieldSpec]

  public init(labels: [(String, String)], includeSelectors: Bool, includeTemplates: Bool) {
    self.labels = labels
    if includeSelectors {
      specs = Self.metadataSpecs + Self.selectorSpecs + Self.templateSpecs
    } else if includeTemplates {
      specs = Self.metadataSpecs + Self.templateSpecs
    } else {
      specs = Self.metadataSpecs
    }
  }

  /// A `labels` entry's places: its own `fields` first, then the built-in ones it asks for,
  /// merged as kustomize merges field specs: a built-in one the entry already names is not
  /// added twice, and naming it with another `create` is an error.
  public init(_ set: Kustomization.LabelSet, file: String, field: String) throws(RenderError) {
    let builtin = LabelTransformer(
      labels: set.pairs, includeSelectors: set.includeSelectors, includeTemplates: set.includeTemplates)
    var merged = set.fields
    for spec in builtin.specs {
      if let same = merged.first(where: { $0.isSame(as: spec) }) {
        guard same.create == spec.create else {
          throw RenderError(
            file: file, field: field,
            message: "failed to merge labels: conflicting fieldspecs: \(spec.path.joined(separator: "/")) is built in with create: \(spec.create)")
        }
        continue
      }
      merged.append(spec)
    }
    labels = set.pairs
    specs = merged
  }

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    guard !labels.isEmpty else { return }
    for index in resources.indices {
      for spec in specs {
        try spec.visit(&resources[index].object) { value throws(RenderError) in
          var map = value.objectValue ?? [:]
          for (key, label) in labels { map[key] = .string(label) }
          value = .object(map)
        }
      }
    }
  }

  static let metadataSpecs = [FieldSpec("metadata/labels", create: true)]

  static let templateSpecs: [FieldSpec] = [
    FieldSpec("spec/template/metadata/labels", kind: "ReplicationController", create: true),
    FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
    FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
    FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
    FieldSpec("spec/template/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
    FieldSpec("spec/volumeClaimTemplates[]/metadata/labels", kind: "StatefulSet", group: "apps", create: true),
    FieldSpec("spec/template/metadata/labels", kind: "Job", group: "batch", create: true),
    FieldSpec("spec/jobTemplate/metadata/labels", kind: "CronJob", group: "batch", create: true),
    FieldSpec("spec/jobTemplate/spec/template/metadata/labels", kind: "CronJob", group: "batch", create: true),
  ]

  static let selectorSpecs: [FieldSpec] = {
    var specs: [FieldSpec] = [
      FieldSpec("spec/selector", kind: "Service", create: true),
      FieldSpec("spec/selector", kind: "ReplicationController", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "ReplicaSet", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "DaemonSet", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "StatefulSet", group: "apps", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "Job", group: "batch"),
      FieldSpec("spec/jobTemplate/spec/selector/matchLabels", kind: "CronJob", group: "batch"),
      FieldSpec("spec/selector/matchLabels", kind: "PodDisruptionBudget", group: "policy"),
      FieldSpec("spec/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
      FieldSpec("spec/ingress[]/from[]/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
      FieldSpec("spec/egress[]/to[]/podSelector/matchLabels", kind: "NetworkPolicy", group: "networking.k8s.io"),
    ]
    // Pod (anti-)affinity and topology spread selectors of Deployments and StatefulSets.
    let affinityPaths = [
      "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution[]/podAffinityTerm/labelSelector/matchLabels",
      "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution[]/labelSelector/matchLabels",
      "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution[]/podAffinityTerm/labelSelector/matchLabels",
      "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution[]/labelSelector/matchLabels",
      "spec/template/spec/topologySpreadConstraints[]/labelSelector/matchLabels",
    ]
    for kind in ["Deployment", "StatefulSet"] {
      specs += affinityPaths.map { FieldSpec($0, kind: kind, group: "apps") }
    }
    return specs
  }()
}
