internal import Diff
internal import Manifest

/// A single-node volume shared by pods that land on different nodes: one GPU per node puts
/// each replica elsewhere, and only the first gets the volume.
public struct ReadWriteOnceCacheRule: LintRule {
  public let id = "rwo-model-cache"
  public let severity = LintSeverity.warning
  public let summary = "a ReadWriteOnce(Pod) PersistentVolumeClaim mounted by a Deployment that may run more than one replica"

  static let singleNode: Set<String> = ["ReadWriteOnce", "ReadWriteOncePod"]
  static let multiNode: Set<String> = ["ReadOnlyMany", "ReadWriteMany"]

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    let claims = input.objects(kind: "PersistentVolumeClaim", groups: [""])
    return input.workloads.filter(\.isDeployment).flatMap { deployment -> [LintFinding] in
      let most = input.maxReplicas(of: deployment)
      guard most > 1 else { return [] }
      let volumes = deployment.template[path: ["spec", "volumes"]]?.arrayValue ?? []
      return volumes.compactMap { volume -> LintFinding? in
        guard let claimName = volume[path: ["persistentVolumeClaim", "claimName"]]?.stringValue,
          let claim = claims.first(where: { ($0.namespace ?? "default") == deployment.namespace && $0.name == claimName }),
          let id = claim.resourceID
        else { return nil }
        let modes = (claim[path: ["spec", "accessModes"]]?.arrayValue ?? []).compactMap(\.stringValue)
        guard let mode = modes.first(where: Self.singleNode.contains), !modes.contains(where: Self.multiNode.contains) else { return nil }
        let replicas = deployment.object[path: ["spec", "replicas"]]?.intValue ?? 1
        let count = most > replicas ? "up to \(most) replicas (its HPA's maxReplicas)" : "\(replicas) replicas"
        return finding(
          id, FieldPath([.key("spec"), .key("accessModes")]),
          message: "\(mode), mounted as volume \(volume["name"]?.stringValue ?? claimName) by \(deployment.id) with \(count)",
          why: mode == "ReadWriteOncePod"
            ? "only one pod may use a ReadWriteOncePod volume: every other replica, and a rollout's new pod, stays Pending"
            : "a ReadWriteOnce volume attaches to one node: with one GPU per node the other replicas land elsewhere and stay in "
              + "ContainerCreating (Multi-Attach error), so the Deployment never reaches its replicas and a rollout's surge pod "
              + "never starts",
          fix: "use storage many nodes can mount (ReadOnlyMany or ReadWriteMany: NFS, CephFS, a multi-node CSI driver) for a shared "
            + "model cache, or give each pod its own cache")
      }
    }
  }
}
