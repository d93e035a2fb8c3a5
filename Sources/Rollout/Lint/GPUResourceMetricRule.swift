internal import Diff
internal import Manifest

/// An HPA told to scale on `nvidia.com/gpu` as a Resource metric, which no one serves.
public struct GPUResourceMetricRule: LintRule {
  public let id = "gpu-resource-metric"
  public let severity = LintSeverity.error
  public let summary = "an HPA metric of type Resource (or ContainerResource) on nvidia.com/gpu"

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    input.objects(kind: "HorizontalPodAutoscaler", groups: ["autoscaling"]).flatMap { hpa -> [LintFinding] in
      guard let id = hpa.resourceID else { return [] }
      return (hpa[path: ["spec", "metrics"]]?.arrayValue ?? []).enumerated().compactMap { index, metric -> LintFinding? in
        // Resource metrics live under `resource`, per-container ones under `containerResource`.
        let type = metric["type"]?.stringValue ?? ""
        let key = type == "ContainerResource" ? "containerResource" : "resource"
        guard type == "Resource" || type == "ContainerResource", metric[path: [key, "name"]]?.stringValue == GPUCapacity.resource else {
          return nil
        }
        return finding(
          id, FieldPath([.key("spec"), .key("metrics"), .index(index), .key(key), .key("name")]),
          message: "metric \(index) is a \(type) metric on \(GPUCapacity.resource)",
          why: "the resource metrics API (metrics-server) serves only cpu and memory: the HPA reports FailedGetResourceMetric and "
            + "never scales on it; GPU load is not something Kubernetes measures",
          fix: "scale on a custom metric through a Prometheus adapter: type Pods (or External) with e.g. vLLM's gpu_cache_usage_perc "
            + "or DCGM's DCGM_FI_DEV_GPU_UTIL")
      }
    }
  }
}
