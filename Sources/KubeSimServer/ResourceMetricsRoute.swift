import Kube
import KubeSim
import Manifest

/// `metrics.k8s.io/v1beta1`, the resource metrics API that metrics-server adds to a real
/// cluster through aggregation and `kubectl top` reads: PodMetrics and NodeMetrics from the
/// simulation's kubelet model (`ResourceUsage`), at the current virtual instant.
struct ResourceMetricsRoute: Sendable {
  static let group = "metrics.k8s.io"
  static let version = "v1beta1"
  static let resources: [APIResourceInfo] = [
    APIResourceInfo(group: group, version: version, kind: "NodeMetrics", resource: "nodes", namespaced: false, verbs: ["get", "list"]),
    APIResourceInfo(group: group, version: version, kind: "PodMetrics", resource: "pods", namespaced: true, verbs: ["get", "list"]),
  ]
  /// What metrics-server reports as the span its samples cover.
  static let window = "30s"

  let usage: @Sendable () async -> ResourceUsage
  let api: any KubeAPI

  static func serves(_ info: APIResourceInfo) -> Bool { info.group == group }

  func answer(_ route: ResourceRoute, _ request: APIRequest) async throws(KubeError) -> APIResponse {
    guard request.method == "GET", route.subresource == nil, !request.flag("watch") else {
      throw KubeError.status(Status(code: 405, reason: .methodNotAllowed, message: "the server does not allow this method on the requested resource"))
    }
    let current = await usage()
    let timestamp = Value.string(current.timestamp.rfc3339)
    var items: [(name: String, value: Value)]
    if route.info.kind == "NodeMetrics" {
      let names = try await selected(GroupVersionKind(group: "", version: "v1", kind: "Node"), namespace: nil, request)
      items = current.nodes.filter { names?.contains($0.name) ?? true }.map { node in
        (
          node.name,
          [
            "metadata": ["name": .string(node.name), "creationTimestamp": timestamp, "labels": node.labels],
            "timestamp": timestamp, "window": .string(Self.window),
            "usage": Self.usage(cpu: node.cpuCores, memory: node.memoryBytes),
          ]
        )
      }
    } else {
      let names = try await selected(GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: route.namespace, request)
      items = current.pods.filter { (route.namespace == nil || $0.namespace == route.namespace) && (names?.contains($0.name) ?? true) }.map { pod in
        let containers: [Value] = pod.containers.map { ["name": .string($0.name), "usage": Self.usage(cpu: $0.cpuCores, memory: $0.memoryBytes)] }
        return (
          pod.name,
          [
            "metadata": ["name": .string(pod.name), "namespace": .string(pod.namespace), "creationTimestamp": timestamp, "labels": pod.labels],
            "timestamp": timestamp, "window": .string(Self.window), "containers": .array(containers),
          ]
        )
      }
    }
    let kind = route.info.kind
    let apiVersion = Value.string("\(Self.group)/\(Self.version)")
    if let name = route.name {
      guard var item = items.first(where: { $0.name == name })?.value else {
        let shown = route.namespace.map { "\($0)/\(name)" } ?? name
        throw KubeError.notFound(kind.lowercased(), group: Self.group, name: shown)
      }
      item["kind"] = .string(kind)
      item["apiVersion"] = apiVersion
      return .json(status: 200, body: item)
    }
    return .json(status: 200, body: ["kind": .string(kind + "List"), "apiVersion": apiVersion, "metadata": [:], "items": .array(items.map(\.value))])
  }

  /// The names a label or field selector picks, as the objects' own lists answer; nil without one.
  private func selected(_ gvk: GroupVersionKind, namespace: String?, _ request: APIRequest) async throws(KubeError) -> Set<String>? {
    let labels = request.query["labelSelector"].flatMap { $0.isEmpty ? nil : $0 }
    let fields = request.query["fieldSelector"].flatMap { $0.isEmpty ? nil : $0 }
    guard labels != nil || fields != nil else { return nil }
    let list = try await api.list(gvk, namespace: namespace, options: ListOptions(labelSelector: labels, fieldSelector: fields))
    return Set(list.items.compactMap(\.name))
  }

  /// metrics-server's units: CPU in nanocores, memory in kibibytes.
  static func usage(cpu: Double, memory: Double) -> Value {
    ["cpu": .string("\(Int64((cpu * 1e9).rounded()))n"), "memory": .string("\(Int64((memory / 1024).rounded()))Ki")]
  }
}
