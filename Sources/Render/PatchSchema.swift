import Manifest

/// How strategic merge treats each list, from the Kubernetes API types' `patchMergeKey` /
/// `patchStrategy` tags: merged by a key field, merged as a set of scalars, or replaced
/// (the default, and the only behaviour for kinds without a schema such as custom resources).
public enum ListStrategy: Sendable, Equatable {
  case replace
  case mergeByKey(String)
  case mergeScalars
}

public enum PatchSchema {
  /// Where a pod spec lives in each workload kind.
  static let podSpecPaths: [String: [String]] = [
    "Pod": ["spec"],
    "PodTemplate": ["template", "spec"],
    "Deployment": ["spec", "template", "spec"],
    "StatefulSet": ["spec", "template", "spec"],
    "DaemonSet": ["spec", "template", "spec"],
    "ReplicaSet": ["spec", "template", "spec"],
    "ReplicationController": ["spec", "template", "spec"],
    "Job": ["spec", "template", "spec"],
    "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  ]

  /// Lists within a pod spec, by their path below it.
  static let podSpecLists: [[String]: ListStrategy] = {
    var table: [[String]: ListStrategy] = [
      ["volumes"]: .mergeByKey("name"),
      ["imagePullSecrets"]: .mergeByKey("name"),
      ["hostAliases"]: .mergeByKey("ip"),
      ["topologySpreadConstraints"]: .mergeByKey("topologyKey"),
      ["schedulingGates"]: .mergeByKey("name"),
      ["resourceClaims"]: .mergeByKey("name"),
    ]
    for containers in ["containers", "initContainers", "ephemeralContainers"] {
      table[[containers]] = .mergeByKey("name")
      table[[containers, "env"]] = .mergeByKey("name")
      table[[containers, "ports"]] = .mergeByKey("containerPort")
      table[[containers, "volumeMounts"]] = .mergeByKey("mountPath")
      table[[containers, "volumeDevices"]] = .mergeByKey("devicePath")
      table[[containers, "resizePolicy"]] = .mergeByKey("resourceName")
    }
    return table
  }()

  /// Lists outside pod specs, by kind and path from the object root.
  static let kindLists: [String: [[String]: ListStrategy]] = [
    "Service": [["spec", "ports"]: .mergeByKey("port")],
    "Endpoints": [:],
    "PodDisruptionBudget": [:],
  ]

  static let builtinKinds: Set<String> = Set(podSpecPaths.keys).union([
    "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount", "PersistentVolumeClaim", "PersistentVolume",
    "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Role", "ClusterRole", "RoleBinding",
    "ClusterRoleBinding", "NetworkPolicy", "Endpoints", "EndpointSlice", "Node", "StorageClass", "PriorityClass",
    "LimitRange", "ResourceQuota", "Lease", "Event", "ControllerRevision",
  ])

  /// The strategy for the list at `path` (map keys from the object root; list elements do not
  /// add a component) in an object of `kind`.
  public static func strategy(kind: String?, path: [String]) -> ListStrategy {
    guard let kind, builtinKinds.contains(kind) else { return .replace }
    if path.count == 2, path[0] == "metadata" {
      if path[1] == "finalizers" { return .mergeScalars }
      if path[1] == "ownerReferences" { return .mergeByKey("uid") }
    }
    if path.last == "conditions", path.first == "status" { return .mergeByKey("type") }
    if let podSpec = podSpecPaths[kind], path.count > podSpec.count, Array(path.prefix(podSpec.count)) == podSpec {
      return podSpecLists[Array(path.dropFirst(podSpec.count))] ?? .replace
    }
    return kindLists[kind]?[path] ?? .replace
  }
}
