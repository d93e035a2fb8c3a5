internal import Diff
internal import Manifest

/// A GPU container that serves without saying when its model is loaded.
public struct ReadinessProbeRule: LintRule {
  public let id = "readiness-probe"
  public let severity = LintSeverity.error
  public let summary = "a GPU container of a Deployment or StatefulSet without a readinessProbe"

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    input.workloads.filter(\.serves).flatMap { workload in
      workload.containers.filter { !$0.isInit && $0.gpus > 0 }.compactMap { container -> LintFinding? in
        if let probe = container.value["readinessProbe"], probe.objectValue != nil { return nil }
        return finding(
          workload.id, container.field.appending(.key("readinessProbe")),
          message: "GPU container \(container.name) has no readinessProbe",
          why: "a pod then counts as ready as soon as its container starts: the Service sends it requests for the minutes its model "
            + "loads (they fail), a rolling update takes the next old pod down at once, so the PDB's capacity is gone, and no ETA "
            + "can be given",
          fix: "add a readinessProbe on the model server's health endpoint (vLLM: httpGet /health, port 8000) with initialDelaySeconds "
            + "close to the model's load time")
      }
    }
  }
}
