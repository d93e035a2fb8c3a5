import Manifest

/// `commonAnnotations`: metadata annotations everywhere and pod-template annotations of the
/// workload kinds (kustomize's commonAnnotations field specs).
public struct AnnotationTransformer: Sendable {
  public var annotations: [(String, String)]

  public init(annotations: [(String, String)]) { self.annotations = annotations }

  static let specs: [FieldSpec] = [
    FieldSpec("metadata/annotations", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "ReplicationController", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "Deployment", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "ReplicaSet", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "DaemonSet", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "StatefulSet", group: "apps", create: true),
    FieldSpec("spec/template/metadata/annotations", kind: "Job", group: "batch", create: true),
    FieldSpec("spec/jobTemplate/metadata/annotations", kind: "CronJob", group: "batch", create: true),
    FieldSpec("spec/jobTemplate/spec/template/metadata/annotations", kind: "CronJob", group: "batch", create: true),
  ]

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    guard !annotations.isEmpty else { return }
    for index in resources.indices {
      // Now strings as written here, whatever a file said before.
      for (key, _) in annotations { resources[index].plainAnnotations[key] = nil }
      for spec in Self.specs {
        try spec.visit(&resources[index].object) { value throws(RenderError) in
          var map = value.objectValue ?? [:]
          for (key, annotation) in annotations { map[key] = .string(annotation) }
          value = .object(map)
        }
      }
    }
  }
}
