internal import Diff
internal import Kube
internal import Manifest

/// `nvidia.com/gpu` requested other than as a whole device with limit = request. The API server
/// refuses such a pod template (an extended resource cannot be overcommitted), so the apply
/// would fail at this object: an error, caught here before anything is written.
public struct GPULimitsRule: LintRule {
  public let id = "gpu-limits"
  public let severity = LintSeverity.error
  public let summary = "nvidia.com/gpu limits different from requests (or not whole GPUs)"

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    input.workloads.flatMap { workload in
      workload.containers.compactMap { container in check(workload, container) }
    }
  }

  func check(_ workload: LintWorkload, _ container: LintWorkload.Container) -> LintFinding? {
    let resources = container.field.appending(.key("resources"))
    let requestField = resources.appending(.key("requests")).appending(.key(GPUCapacity.resource))
    let limitField = resources.appending(.key("limits")).appending(.key(GPUCapacity.resource))
    let request = container.value[path: ["resources", "requests", GPUCapacity.resource]]
    let limit = container.value[path: ["resources", "limits", GPUCapacity.resource]]
    let why =
      "GPUs cannot be shared or overcommitted: Kubernetes requires an extended resource's request to equal its limit and "
      + "in whole units, and refuses the pod template otherwise, so the apply fails at this object"
    let fix =
      "set limits \(GPUCapacity.resource) to the whole number of GPUs each pod needs, and requests to the same (or leave "
      + "requests out: they default to the limit)"
    for (value, field) in [(request, requestField), (limit, limitField)] {
      guard let value else { continue }
      guard let quantity = Quantity(value), quantity.value >= 0, quantity.value.rounded() == quantity.value else {
        return finding(
          workload.id, field,
          message: "container \(container.name): \(GPUCapacity.resource) \(LintText.written(value)) is not a whole number of GPUs",
          why: why, fix: fix)
      }
    }
    switch (request.flatMap(Quantity.init), limit.flatMap(Quantity.init)) {
    case (let request?, nil):
      return finding(
        workload.id, limitField,
        message: "container \(container.name): requests \(GPUCapacity.resource) \(request.text) but sets no limit", why: why, fix: fix)
    case (let request?, let limit?) where request.value != limit.value:
      return finding(
        workload.id, requestField,
        message: "container \(container.name): requests \(GPUCapacity.resource) \(request.text) but its limit is \(limit.text)",
        why: why, fix: fix)
    default:
      return nil
    }
  }
}
