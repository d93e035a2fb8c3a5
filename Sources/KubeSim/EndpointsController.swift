internal import Kube
import Manifest

/// Services with a selector get an EndpointSlice (discovery.k8s.io/v1) and a legacy
/// Endpoints object listing the matching pods that have an IP: ready, serving and
/// terminating conditions per endpoint, ports resolved from the Service's targetPort
/// (a named targetPort looks up the container port of that name).
extension SimCluster {
  static let gvkService = GroupVersionKind(group: "", version: "v1", kind: "Service")
  static let gvkEndpointSlice = GroupVersionKind(group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice")
  static let gvkEndpoints = GroupVersionKind(group: "", version: "v1", kind: "Endpoints")

  mutating func runEndpointsController() {
    for service in api.store.list(Self.gvkService) {
      guard let namespace = service.namespace, let name = service.name,
        let selector = service[path: ["spec", "selector"]]?.objectValue, !selector.isEmpty
      else { continue }
      var wanted: [String: String] = [:]
      for (k, v) in selector { wanted[k] = v.stringValue ?? YAMLWriter.scalarText(v) }
      let pods = api.store.list(Self.gvkPod, namespace: namespace).filter { pod in
        let labels = pod.labelStrings
        return wanted.allSatisfy { labels[$0.key] == $0.value } && pod[path: ["status", "podIP"]] != nil
      }
      let servicePorts = service[path: ["spec", "ports"]]?.arrayValue ?? []
      let firstPod = pods.first ?? [:]
      let ports: [Value] = servicePorts.map { port in
        var resolved = port["targetPort"] ?? port["port"] ?? .null
        if let named = resolved.stringValue, Int(named) == nil {
          let containerPort = (firstPod[path: ["spec", "containers"]]?.arrayValue ?? []).flatMap { $0["ports"]?.arrayValue ?? [] }
            .first { $0["name"]?.stringValue == named }?["containerPort"]
          resolved = containerPort ?? .null
        }
        var p: Value = ["port": resolved, "protocol": port["protocol"] ?? "TCP"]
        if let portName = port["name"] { p["name"] = portName }
        return p
      }
      let endpoints: [Value] = pods.sorted { ($0.name ?? "") < ($1.name ?? "") }.map { pod in
        let ready = PodStatus.isReady(pod) && !pod.isTerminating
        return [
          "addresses": [pod[path: ["status", "podIP"]] ?? ""],
          "conditions": ["ready": .bool(ready), "serving": .bool(PodStatus.isReady(pod)), "terminating": .bool(pod.isTerminating)],
          "nodeName": pod[path: ["spec", "nodeName"]] ?? "",
          "targetRef": ["kind": "Pod", "name": .string(pod.name ?? ""), "namespace": .string(namespace), "uid": pod[path: ["metadata", "uid"]] ?? ""],
        ]
      }
      let owner: Value = [[
        "apiVersion": "v1", "kind": "Service", "name": .string(name), "uid": service[path: ["metadata", "uid"]] ?? "",
        "controller": true, "blockOwnerDeletion": true,
      ]]
      let slice: Value = [
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": [
          "name": .string("\(name)-sim"), "namespace": .string(namespace), "ownerReferences": owner,
          "labels": ["kubernetes.io/service-name": .string(name), "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"],
        ],
        "endpoints": .array(endpoints), "ports": .array(ports),
      ]
      syncObject(slice)
      let readyAddresses = endpoints.filter { $0[path: ["conditions", "ready"]] == true }.map { address($0) }
      let notReady = endpoints.filter { $0[path: ["conditions", "ready"]] != true }.map { address($0) }
      var subset: Value = ["ports": .array(ports)]
      if !readyAddresses.isEmpty { subset["addresses"] = .array(readyAddresses) }
      if !notReady.isEmpty { subset["notReadyAddresses"] = .array(notReady) }
      let legacy: Value = [
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": ["name": .string(name), "namespace": .string(namespace), "ownerReferences": owner],
        "subsets": endpoints.isEmpty ? [] : [subset],
      ]
      syncObject(legacy)
    }
  }

  private func address(_ endpoint: Value) -> Value {
    ["ip": endpoint["addresses"]?.arrayValue?.first ?? "", "nodeName": endpoint["nodeName"] ?? "", "targetRef": endpoint["targetRef"] ?? [:]]
  }

  /// Creates the object or updates it when its content differs (controller-owned fields only).
  private mutating func syncObject(_ desired: Value) {
    guard let id = desired.resourceID else { return }
    guard let current = api.store.get(id) else {
      write(desired, manager: "endpointslice-controller")
      return
    }
    var merged = current
    for (key, value) in desired.objectValue ?? [:] where key != "metadata" { merged[key] = value }
    merged[path: ["metadata", "labels"]] = desired[path: ["metadata", "labels"]]
    if !merged.isSameObject(as: current) { write(merged, manager: "endpointslice-controller") }
  }
}
