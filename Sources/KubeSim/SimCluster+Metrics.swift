internal import Kube
import Manifest
import Metrics

/// The series a Prometheus scraping the cluster's vLLM pods would hold, under the names of the
/// recording rules a vLLM deployment defines for its gates. Values come from each pod's image
/// behaviour (the scenario's `metrics`, or `setMetric`); only pods that serve have data, as a
/// pod that is not Ready takes no traffic and reports no requests.
extension SimCluster {
  /// Series name, the scenario's metric key, and the factor between them (ms → s).
  static let publishedSeries: [(name: String, key: String, factor: Double)] = [
    ("release:request_error_ratio", "errorRate", 1),
    ("release:request_latency_p50_seconds", "latencyP50Ms", 0.001),
    ("release:request_latency_p95_seconds", "latencyP95Ms", 0.001),
    ("release:request_latency_p99_seconds", "latencyP99Ms", 0.001),
    ("vllm:gpu_cache_usage_perc", "gpu_cache_usage_perc", 1),
  ]

  /// One sample per serving pod and published series it has a value for, labelled
  /// `__name__`, `namespace`, `pod`, `deployment` (when a Deployment owns it) and `image`;
  /// ordered by namespace and pod, then as `publishedSeries` lists them.
  func metricSeries() -> [MetricSample] {
    var samples: [MetricSample] = []
    for pod in api.store.list(Self.gvkPod) where PodStatus.isReady(pod) && !PodStatus.isTerminating(pod) {
      guard let namespace = pod.namespace, let name = pod.name,
        let image = pod[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
      else { continue }
      var labels = ["namespace": namespace, "pod": name, "image": image]
      if let deployment = deploymentName(of: pod, namespace: namespace) { labels["deployment"] = deployment }
      for series in Self.publishedSeries {
        guard let value = metric(series.key, image: image) else { continue }
        var named = labels
        named["__name__"] = series.name
        samples.append(MetricSample(labels: named, value: value * series.factor))
      }
    }
    return samples
  }

  /// The Deployment behind a pod: its ReplicaSet's controlling owner, or, when that ReplicaSet
  /// is already gone, the ReplicaSet's name less the pod-template-hash the Deployment
  /// controller appended.
  private func deploymentName(of pod: Value, namespace: String) -> String? {
    guard let owner = Self.controller(of: pod), owner["kind"]?.stringValue == "ReplicaSet",
      let replicaSet = owner["name"]?.stringValue
    else { return nil }
    if let stored = api.store.get(ResourceID(gvk: Self.gvkReplicaSet, namespace: namespace, name: replicaSet)) {
      guard let deployment = Self.controller(of: stored), deployment["kind"]?.stringValue == "Deployment" else { return nil }
      return deployment["name"]?.stringValue
    }
    guard let hash = pod.labels["pod-template-hash"]?.stringValue, replicaSet.hasSuffix("-" + hash) else { return nil }
    return String(replicaSet.dropLast(hash.count + 1))
  }

  private static func controller(of object: Value) -> Value? {
    object[path: ["metadata", "ownerReferences"]]?.arrayValue?.first { $0["controller"]?.boolValue == true }
  }
}
