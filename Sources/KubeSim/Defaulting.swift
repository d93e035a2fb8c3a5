import Foundation
import Manifest

/// Server-side defaults of the kinds a rollout touches (k8s.io/kubernetes pkg/apis/*/v1/defaults.go).
enum Defaulting {
  static func apply(_ object: inout Value, allocateClusterIP: () -> String) {
    RBACValidation.applyDefaults(&object)
    switch object.kind {
    case "Deployment":
      setIfMissing(&object, ["spec", "replicas"], 1)
      setIfMissing(&object, ["spec", "revisionHistoryLimit"], 10)
      setIfMissing(&object, ["spec", "progressDeadlineSeconds"], 600)
      if object[path: ["spec", "strategy", "type"]] == nil {
        object[path: ["spec", "strategy", "type"]] = "RollingUpdate"
      }
      if object[path: ["spec", "strategy", "type"]]?.stringValue == "RollingUpdate" {
        setIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxSurge"], "25%")
        setIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], "25%")
      }
      defaultPodSpec(&object, at: ["spec", "template", "spec"])
    case "ReplicaSet", "StatefulSet", "DaemonSet", "Job":
      if object.kind == "ReplicaSet" || object.kind == "StatefulSet" { setIfMissing(&object, ["spec", "replicas"], 1) }
      defaultPodSpec(&object, at: ["spec", "template", "spec"])
    case "CronJob":
      defaultPodSpec(&object, at: ["spec", "jobTemplate", "spec", "template", "spec"])
    case "Pod":
      defaultPodSpec(&object, at: ["spec"])
      defaultRequestsFromLimits(&object)
    case "Service":
      setIfMissing(&object, ["spec", "type"], "ClusterIP")
      setIfMissing(&object, ["spec", "sessionAffinity"], "None")
      if object[path: ["spec", "clusterIP"]] == nil, object[path: ["spec", "type"]]?.stringValue != "ExternalName" {
        let ip = allocateClusterIP()
        object[path: ["spec", "clusterIP"]] = .string(ip)
        object[path: ["spec", "clusterIPs"]] = [.string(ip)]
      }
      if case .array(var ports)? = object[path: ["spec", "ports"]] {
        for i in ports.indices {
          if ports[i]["protocol"] == nil { ports[i]["protocol"] = "TCP" }
          if ports[i]["targetPort"] == nil { ports[i]["targetPort"] = ports[i]["port"] }
        }
        object[path: ["spec", "ports"]] = .array(ports)
      }
    case "Namespace":
      // SetDefaults_Namespace: every namespace can be selected by its name.
      if let name = object.name { object[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name) }
    case "HorizontalPodAutoscaler":
      setIfMissing(&object, ["spec", "minReplicas"], 1)
    case "Secret" where (object.apiVersion ?? "v1") == "v1":
      foldStringData(&object)
    default:
      break
    }
  }

  /// `stringData` is write-only: the API server merges it into `data` (base64, over a key of
  /// the same name) and never stores or returns it (core/v1 Secret conversion). A sim that kept
  /// it would hide an edit of `data` behind the stale `stringData`.
  static func foldStringData(_ object: inout Value) {
    guard let plain = object["stringData"]?.objectValue else { return }
    var data = object["data"]?.objectValue ?? [:]
    for (key, value) in plain { data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString()) }
    object["data"] = .object(data)
    object["stringData"] = nil
  }

  /// Quantities are strings on the wire (`1` becomes "1", `0.5` becomes "500m"), so a template
  /// kubectl round-trips through its typed structs compares equal to the stored one.
  static func canonicalQuantity(_ value: Value) -> Value {
    switch value {
    case .int(let i): return .string(String(i))
    case .float(let d) where d == d.rounded() && abs(d) < 1e15: return .string(String(Int64(d)))
    case .float(let d): return .string("\(Int64((d * 1000).rounded()))m")
    default: return value
    }
  }

  static func defaultPodSpec(_ object: inout Value, at path: [String]) {
    // A typed client sends `creationTimestamp: null` in templates; the API server drops it.
    let templateMetadata = Array(path.dropLast()) + ["metadata"]
    if object[path: templateMetadata + ["creationTimestamp"]]?.isNull == true {
      object[path: templateMetadata + ["creationTimestamp"]] = nil
    }
    guard var spec = object[path: path], spec.objectValue != nil else { return }
    if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
    if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
    if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
    if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
    if spec["securityContext"] == nil { spec["securityContext"] = [:] }
    for list in ["containers", "initContainers"] {
      guard case .array(var containers)? = spec[list] else { continue }
      for i in containers.indices {
        var c = containers[i]
        if c["imagePullPolicy"] == nil {
          let image = c["image"]?.stringValue ?? ""
          let tag = ImageName.tag(of: image)
          c["imagePullPolicy"] = (tag == nil || tag == "latest") && !image.contains("@") ? "Always" : "IfNotPresent"
        }
        if c["terminationMessagePath"] == nil { c["terminationMessagePath"] = "/dev/termination-log" }
        if c["terminationMessagePolicy"] == nil { c["terminationMessagePolicy"] = "File" }
        if c["resources"] == nil { c["resources"] = [:] }
        for kind in ["limits", "requests"] {
          guard let amounts = c[path: ["resources", kind]]?.objectValue else { continue }
          c[path: ["resources", kind]] = .object(amounts.mapValues(canonicalQuantity))
        }
        if case .array(var ports)? = c["ports"] {
          for p in ports.indices where ports[p]["protocol"] == nil { ports[p]["protocol"] = "TCP" }
          c["ports"] = .array(ports)
        }
        for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
          guard var p = c[probe], p.objectValue != nil else { continue }
          if p["timeoutSeconds"] == nil { p["timeoutSeconds"] = 1 }
          if p["periodSeconds"] == nil { p["periodSeconds"] = 10 }
          if p["successThreshold"] == nil { p["successThreshold"] = 1 }
          if p["failureThreshold"] == nil { p["failureThreshold"] = 3 }
          if p["httpGet"] != nil, p[path: ["httpGet", "scheme"]] == nil { p[path: ["httpGet", "scheme"]] = "HTTP" }
          c[probe] = p
        }
        containers[i] = c
      }
      spec[list] = .array(containers)
    }
    object[path: path] = spec
  }

  /// Upstream's SetDefaults_Pod: a resource with a limit and no request requests its limit.
  /// On pods only, not templates, so a Deployment's template stays as written.
  static func defaultRequestsFromLimits(_ pod: inout Value) {
    for list in ["containers", "initContainers"] {
      guard case .array(var containers)? = pod[path: ["spec", list]] else { continue }
      for i in containers.indices {
        guard let limits = containers[i][path: ["resources", "limits"]]?.objectValue, !limits.isEmpty else { continue }
        var requests = containers[i][path: ["resources", "requests"]]?.objectValue ?? [:]
        for (resource, amount) in limits where requests[resource] == nil { requests[resource] = amount }
        containers[i][path: ["resources", "requests"]] = .object(requests)
      }
      pod[path: ["spec", list]] = .array(containers)
    }
  }

  static func setIfMissing(_ object: inout Value, _ path: [String], _ value: Value) {
    if object[path: path] == nil { object[path: path] = value }
  }
}

/// Image references: the tag, if any (a `:` after the last `/`).
enum ImageName {
  static func tag(of image: String) -> String? {
    let withoutDigest = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
    let lastSlash = withoutDigest.lastIndex(of: "/") ?? withoutDigest.startIndex
    guard let colon = withoutDigest[lastSlash...].lastIndex(of: ":") else { return nil }
    return String(withoutDigest[withoutDigest.index(after: colon)...])
  }
}
