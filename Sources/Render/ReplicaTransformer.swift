import Manifest

/// `replicas`: sets spec.replicas of the named workloads, matched by current or earlier name.
public struct ReplicaTransformer: Sendable {
  public var overrides: [Kustomization.ReplicaOverride]
  public var file: String

  static let kinds: Set<String> = ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"]

  public init(overrides: [Kustomization.ReplicaOverride], file: String) {
    self.overrides = overrides
    self.file = file
  }

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    for (position, override) in overrides.enumerated() {
      var matched = false
      for index in resources.indices where Self.kinds.contains(resources[index].object.kind ?? "") {
        let names = [resources[index].id.name] + resources[index].previousIDs.map(\.name)
        guard names.contains(override.name) else { continue }
        resources[index].object[path: ["spec", "replicas"]] = .int(override.count)
        matched = true
      }
      if !matched {
        throw RenderError(
          file: file, field: "replicas[\(position)]",
          message: "no Deployment, StatefulSet, ReplicaSet or ReplicationController named \"\(override.name)\"")
      }
    }
  }
}
