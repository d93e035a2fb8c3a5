import Kube
import KubeSim
import Manifest

/// `meta.k8s.io/v1` Table responses for `kubectl get`, with the columns kube-apiserver prints
/// for the kinds a release touches (wide-only columns at priority 1); other kinds get Name and Age.
/// Ages are measured on the simulation's clock, since that is when objects were created.
struct TableRenderer: Sendable {
  let now: @Sendable () -> SimInstant

  struct Column {
    var name: String
    var type: String = "string"
    var format: String = ""
    var priority: Int = 0
  }

  func table(for objects: [Value], of info: APIResourceInfo, request: APIRequest, resourceVersion: String?) -> Value {
    let columns = Self.columns(for: info.kind)
    let include = request.query["includeObject"] ?? "Metadata"
    let rows: [Value] = objects.map { object in
      var row: Value = ["cells": .array(cells(for: object, kind: info.kind))]
      switch include {
      case "None": break
      case "Object": row["object"] = object
      default:
        row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? [:]]
      }
      return row
    }
    let definitions: [Value] = columns.map {
      ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format), "description": .string($0.name), "priority": .int(Int64($0.priority))]
    }
    var metadata: Value = [:]
    if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
    return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "columnDefinitions": .array(definitions), "rows": .array(rows)]
  }

  static func columns(for kind: String) -> [Column] {
    let name = Column(name: "Name", format: "name")
    let age = Column(name: "Age")
    switch kind {
    case "Pod":
      return [name, Column(name: "Ready"), Column(name: "Status"), Column(name: "Restarts", type: "string"), age,
        Column(name: "IP", priority: 1), Column(name: "Node", priority: 1), Column(name: "Nominated Node", priority: 1),
        Column(name: "Readiness Gates", priority: 1)]
    case "Deployment":
      return [name, Column(name: "Ready"), Column(name: "Up-to-date", type: "integer"), Column(name: "Available", type: "integer"), age,
        Column(name: "Containers", priority: 1), Column(name: "Images", priority: 1), Column(name: "Selector", priority: 1)]
    case "ReplicaSet":
      return [name, Column(name: "Desired", type: "integer"), Column(name: "Current", type: "integer"), Column(name: "Ready", type: "integer"), age,
        Column(name: "Containers", priority: 1), Column(name: "Images", priority: 1), Column(name: "Selector", priority: 1)]
    case "Node":
      return [name, Column(name: "Status"), Column(name: "Roles"), age, Column(name: "Version"),
        Column(name: "Internal-IP", priority: 1), Column(name: "External-IP", priority: 1), Column(name: "OS-Image", priority: 1),
        Column(name: "Kernel-Version", priority: 1), Column(name: "Container-Runtime", priority: 1)]
    case "Service":
      return [name, Column(name: "Type"), Column(name: "Cluster-IP"), Column(name: "External-IP"), Column(name: "Port(s)"), age,
        Column(name: "Selector", priority: 1)]
    case "PodDisruptionBudget":
      return [name, Column(name: "Min Available"), Column(name: "Max Unavailable"), Column(name: "Allowed Disruptions", type: "integer"), age]
    case "HorizontalPodAutoscaler":
      return [name, Column(name: "Reference"), Column(name: "Targets"), Column(name: "MinPods", type: "integer"),
        Column(name: "MaxPods", type: "integer"), Column(name: "Replicas", type: "integer"), age]
    case "Event":
      return [Column(name: "Last Seen"), Column(name: "Type"), Column(name: "Reason"), Column(name: "Object"),
        Column(name: "Subobject", priority: 1), Column(name: "Source", priority: 1), Column(name: "Message"),
        Column(name: "First Seen", priority: 1), Column(name: "Count", type: "integer", priority: 1), Column(name: "Name", priority: 1)]
    case "Namespace":
      return [name, Column(name: "Status"), age]
    default:
      return [name, age]
    }
  }

  func cells(for object: Value, kind: String) -> [Value] {
    let name = Value.string(object.name ?? "")
    let age = Value.string(self.age(object[path: ["metadata", "creationTimestamp"]]?.stringValue))
    func string(_ path: [String], _ fallback: String = "<none>") -> Value {
      .string(object[path: path].flatMap(Self.text) ?? fallback)
    }
    func int(_ path: [String]) -> Value { .int(object[path: path]?.intValue ?? 0) }
    switch kind {
    case "Pod":
      let statuses = object[path: ["status", "containerStatuses"]]?.arrayValue ?? []
      let total = object[path: ["spec", "containers"]]?.arrayValue?.count ?? 0
      let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
      let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.intValue ?? 0) }
      return [name, .string("\(ready)/\(total)"), .string(Self.podStatus(object)), .string(String(restarts)), age,
        string(["status", "podIP"]), string(["spec", "nodeName"]), string(["status", "nominatedNodeName"]), "<none>"]
    case "Deployment":
      let desired = object[path: ["spec", "replicas"]]?.intValue ?? 0
      let ready = object[path: ["status", "readyReplicas"]]?.intValue ?? 0
      return [name, .string("\(ready)/\(desired)"), int(["status", "updatedReplicas"]), int(["status", "availableReplicas"]), age]
        + Self.workloadWide(object)
    case "ReplicaSet":
      return [name, int(["spec", "replicas"]), int(["status", "replicas"]), int(["status", "readyReplicas"]), age] + Self.workloadWide(object)
    case "Node":
      let conditions = object[path: ["status", "conditions"]]?.arrayValue ?? []
      let ready = conditions.first { $0["type"]?.stringValue == "Ready" }?["status"]?.stringValue == "True"
      var status = ready ? "Ready" : "NotReady"
      if object[path: ["spec", "unschedulable"]]?.boolValue == true { status += ",SchedulingDisabled" }
      let roles = object.labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) }
      let addresses = object[path: ["status", "addresses"]]?.arrayValue ?? []
      func address(_ type: String) -> Value {
        .string(addresses.first { $0["type"]?.stringValue == type }?["address"]?.stringValue ?? "<none>")
      }
      return [name, .string(status), .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")), age,
        string(["status", "nodeInfo", "kubeletVersion"], "v1.32.0"), address("InternalIP"), address("ExternalIP"),
        string(["status", "nodeInfo", "osImage"], "<unknown>"), string(["status", "nodeInfo", "kernelVersion"], "<unknown>"),
        string(["status", "nodeInfo", "containerRuntimeVersion"], "<unknown>")]
    case "Service":
      let ports = (object[path: ["spec", "ports"]]?.arrayValue ?? []).map { port -> String in
        let number = port["port"]?.intValue.map(String.init) ?? "?"
        let node = port["nodePort"]?.intValue.map { ":\($0)" } ?? ""
        return "\(number)\(node)/\(port["protocol"]?.stringValue ?? "TCP")"
      }
      let selector = (object[path: ["spec", "selector"]]?.objectValue ?? [:]).map { "\($0.key)=\(Self.text($0.value) ?? "")" }.joined(separator: ",")
      return [name, string(["spec", "type"], "ClusterIP"), string(["spec", "clusterIP"]), "<none>",
        .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), age, .string(selector.isEmpty ? "<none>" : selector)]
    case "PodDisruptionBudget":
      return [name, string(["spec", "minAvailable"], "N/A"), string(["spec", "maxUnavailable"], "N/A"), int(["status", "disruptionsAllowed"]), age]
    case "HorizontalPodAutoscaler":
      // Columns read v2's metrics; a v1 object carries them in annotations.
      let object = VersionConversion.toStorage(object)
      let target = object[path: ["spec", "scaleTargetRef"]]
      let reference = "\(target?["kind"]?.stringValue ?? "")/\(target?["name"]?.stringValue ?? "")"
      return [name, .string(reference), .string(Self.hpaTargets(object)), .int(object[path: ["spec", "minReplicas"]]?.intValue ?? 1),
        int(["spec", "maxReplicas"]), int(["status", "currentReplicas"]), age]
    case "Event":
      let involved = object["involvedObject"]
      let target = "\((involved?["kind"]?.stringValue ?? "").lowercased())/\(involved?["name"]?.stringValue ?? "")"
      // Upstream's printEvent: an events.k8s.io event has eventTime and maybe a series
      // instead of first/last timestamps and count.
      let first = object["firstTimestamp"]?.stringValue ?? object["eventTime"]?.stringValue
      var last = object["lastTimestamp"]?.stringValue ?? first
      var count = object["count"]?.intValue ?? 1
      if let series = object["series"], series.objectValue != nil {
        last = series["lastObservedTime"]?.stringValue ?? last
        count = series["count"]?.intValue ?? count
      }
      func firstNonEmpty(_ a: String?, _ b: String?) -> String { (a ?? "").isEmpty ? b ?? "" : a ?? "" }
      let component = firstNonEmpty(object[path: ["source", "component"]]?.stringValue, object["reportingComponent"]?.stringValue)
      let instance = firstNonEmpty(object[path: ["source", "host"]]?.stringValue, object["reportingInstance"]?.stringValue)
      let source = instance.isEmpty ? component : "\(component), \(instance)"
      return [.string(self.age(last)), string(["type"], ""), string(["reason"], ""), .string(target), string(["involvedObject", "fieldPath"], ""),
        .string(source), string(["message"], ""), .string(self.age(first)), .int(max(count, 1)), name]
    case "Namespace":
      return [name, string(["status", "phase"], "Active"), age]
    default:
      return [name, age]
    }
  }

  static func workloadWide(_ object: Value) -> [Value] {
    let containers = object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
    let selector = (object[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:]).map { "\($0.key)=\(text($0.value) ?? "")" }
    return [.string(containers.compactMap { $0["name"]?.stringValue }.joined(separator: ",")),
      .string(containers.compactMap { $0["image"]?.stringValue }.joined(separator: ",")),
      .string(selector.isEmpty ? "<none>" : selector.joined(separator: ","))]
  }

  static func hpaTargets(_ object: Value) -> String {
    let metrics = object[path: ["spec", "metrics"]]?.arrayValue ?? []
    if metrics.isEmpty { return "<none>" }
    let current = object[path: ["status", "currentMetrics"]]?.arrayValue ?? []
    return metrics.enumerated().map { index, metric -> String in
      let type = metric["type"]?.stringValue ?? ""
      let key = type.prefix(1).lowercased() + type.dropFirst()
      let target = metric[path: [key, "target"]]
      let wanted = target?["averageUtilization"].flatMap(text).map { "\($0)%" } ?? target?["averageValue"].flatMap(text) ?? target?["value"].flatMap(text) ?? "?"
      let live = index < current.count ? current[index][path: [key, "current"]] : nil
      let now = live?["averageUtilization"].flatMap(text).map { "\($0)%" } ?? live?["averageValue"].flatMap(text) ?? live?["value"].flatMap(text) ?? "<unknown>"
      return "\(now)/\(wanted)"
    }.joined(separator: ", ")
  }

  /// The STATUS column of `kubectl get pods`, following kubectl's printer.
  static func podStatus(_ pod: Value) -> String {
    var reason = pod[path: ["status", "phase"]]?.stringValue ?? "Pending"
    if let explicit = pod[path: ["status", "reason"]]?.stringValue, !explicit.isEmpty { reason = explicit }
    var running = false
    for status in (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reversed() {
      if let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
        reason = waiting
      } else if let terminated = status[path: ["state", "terminated"]] {
        if let why = terminated["reason"]?.stringValue, !why.isEmpty {
          reason = why
        } else {
          reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
        }
      } else if status["ready"]?.boolValue == true, status[path: ["state", "running"]] != nil {
        running = true
      }
    }
    if reason == "Completed" && running { reason = "Running" }
    if pod[path: ["metadata", "deletionTimestamp"]] != nil { reason = "Terminating" }
    return reason
  }

  static func text(_ value: Value) -> String? {
    switch value {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .float(let d): return String(d)
    case .bool(let b): return String(b)
    default: return nil
    }
  }

  func age(_ timestamp: String?) -> String {
    guard let timestamp, let then = SimInstant.parse(timestamp) else { return "<unknown>" }
    return Self.humanDuration(seconds: now().seconds - then.seconds)
  }

  /// kubectl's short duration form: 45s, 3m20s, 5h10m, 3d4h, 400d.
  static func humanDuration(seconds: Int64) -> String {
    if seconds < -1 { return "<invalid>" }
    if seconds < 0 { return "0s" }
    if seconds < 120 { return "\(seconds)s" }
    let minutes = seconds / 60
    if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
    if minutes < 180 { return "\(minutes)m" }
    let hours = minutes / 60
    if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
    if hours < 48 { return "\(hours)h" }
    if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
    if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
    return "\(hours / 24 / 365)y"
  }
}
