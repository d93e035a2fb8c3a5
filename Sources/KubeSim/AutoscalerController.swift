internal import Kube
import Manifest

/// HorizontalPodAutoscaler (autoscaling/v2), synced every 15 s: desired = ceil(current ×
/// metric / target) outside a 10 % tolerance, clamped to min/max, scale-down held for the
/// 300 s stabilization window. It scales through the scale subresource as field manager
/// `horizontal-pod-autoscaler`, so it owns spec.replicas (an apply that omits replicas leaves
/// them alone). Metric values come from the scenario, per image, or from `setMetric`.
extension SimCluster {
  static let autoscalerManager = "horizontal-pod-autoscaler"

  mutating func runAutoscaler() {
    for hpa in api.store.list(Self.gvkHPA) {
      guard let namespace = hpa.namespace, let key = hpa.resourceID?.description else { continue }
      if let last = hpaLastSync[key], last.advanced(by: .seconds(15)) > now {
        wake(at: last.advanced(by: .seconds(15)))
        continue
      }
      hpaLastSync[key] = now
      wake(at: now.advanced(by: .seconds(15)))
      guard let targetKind = hpa[path: ["spec", "scaleTargetRef", "kind"]]?.stringValue, targetKind == "Deployment",
        let targetName = hpa[path: ["spec", "scaleTargetRef", "name"]]?.stringValue,
        let target = api.store.get(ResourceID(gvk: Self.gvkDeployment, namespace: namespace, name: targetName)),
        let targetID = target.resourceID
      else { continue }
      let current = target[path: ["spec", "replicas"]]?.intValue ?? 1
      let minReplicas = hpa[path: ["spec", "minReplicas"]]?.intValue ?? 1
      let maxReplicas = hpa[path: ["spec", "maxReplicas"]]?.intValue ?? current
      let image = target[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue ?? ""

      var proposal = current
      var currentMetrics: [Value] = []
      // Upstream names the metric that drove the largest proposal ("pods metric X above target").
      var drivingMetric: String?
      for metric in hpa[path: ["spec", "metrics"]]?.arrayValue ?? [] {
        guard metric["type"]?.stringValue == "Pods", let name = metric[path: ["pods", "metric", "name"]]?.stringValue,
          let observed = self.metric(name, image: image),
          let targetValue = metric[path: ["pods", "target", "averageValue"]].flatMap(Quantity.init)?.value, targetValue > 0
        else { continue }
        let ratio = observed / targetValue
        currentMetrics.append(["type": "Pods", "pods": ["metric": ["name": .string(name)], "current": ["averageValue": .string(Self.quantityText(observed))]]])
        if abs(ratio - 1) > 0.1 {
          let next = max(proposal == current ? 0 : proposal, Int64((Double(current) * ratio).rounded(.up)))
          if next != proposal { drivingMetric = "pods metric \(name)" }
          proposal = next
        }
      }
      proposal = min(max(proposal, minReplicas), maxReplicas)
      // Scale-down stabilization: the highest recommendation of the last 300 s wins.
      var history = hpaRecommendations[key] ?? []
      history.append((now, proposal))
      history.removeAll { $0.0.advanced(by: .seconds(300)) < now }
      hpaRecommendations[key] = history
      let desired = proposal < current ? min(current, history.map(\.1).max() ?? proposal) : proposal
      // Upstream's rescale reasons (horizontal.go): the driving metric above target, all
      // metrics below it, or a replica count outside the HPA's bounds.
      let reason: String
      if current > maxReplicas {
        reason = "Current number of replicas above Spec.MaxReplicas"
      } else if current < minReplicas {
        reason = "Current number of replicas below Spec.MinReplicas"
      } else if desired > current {
        reason = "\(drivingMetric ?? "") above target"
      } else {
        reason = "All metrics below target"
      }
      var ableToScale: Value = ["type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"]
      if desired != current {
        do {
          _ = try api.patch(
            targetID, type: .merge, body: ["spec": ["replicas": .int(desired)]], subresource: "scale", manager: Self.autoscalerManager,
            now: now)
          trace.record(.scaled, target, at: now, "hpa \(current) -> \(desired)")
          recordEvent(hpa, reason: "SuccessfulRescale", message: "New size: \(desired); reason: \(reason)", component: "horizontal-pod-autoscaler")
          ableToScale = [
            "type": "AbleToScale", "status": "True", "reason": "SucceededRescale",
            "message": .string("the HPA controller was able to update the target scale to \(desired)"),
          ]
        } catch {
          // As upstream: a Warning event and AbleToScale=False say why; the next sync retries.
          recordWriteFailure(target, verb: "update scale", manager: Self.autoscalerManager, error)
          recordEvent(
            hpa, type: "Warning", reason: "FailedRescale", message: "New size: \(desired); reason: \(reason); error: \(error.description)",
            component: "horizontal-pod-autoscaler")
          ableToScale = [
            "type": "AbleToScale", "status": "False", "reason": "FailedUpdateScale",
            "message": .string("the HPA controller was unable to update the target scale: \(error.description)"),
          ]
        }
      }
      let scaled = ableToScale["status"] == "True" && desired != current
      // Upstream names the kind of metric it could not get (FailedGetResourceMetric for the CPU
      // target `kubectl autoscale` sets: the simulation has no resource metrics API).
      let unreadable = "FailedGet\(hpa[path: ["spec", "metrics"]]?.arrayValue?.first?["type"]?.stringValue ?? "Resource")Metric"
      var status: Value = [
        "currentReplicas": .int(current), "desiredReplicas": .int(desired), "currentMetrics": .array(currentMetrics),
        "conditions": [
          ableToScale,
          ["type": "ScalingActive", "status": .string(currentMetrics.isEmpty ? "False" : "True"), "reason": .string(currentMetrics.isEmpty ? unreadable : "ValidMetricFound")],
          ["type": "ScalingLimited", "status": .string(desired == maxReplicas || desired == minReplicas ? "True" : "False"), "reason": .string(desired == maxReplicas ? "TooManyReplicas" : desired == minReplicas ? "TooFewReplicas" : "DesiredWithinRange")],
        ],
      ]
      if scaled { status["lastScaleTime"] = .string(now.rfc3339) } else if let last = hpa[path: ["status", "lastScaleTime"]] { status["lastScaleTime"] = last }
      if let fresh = hpa.resourceID.flatMap({ api.store.get($0) }), !(fresh["status"] ?? .null).isSameObject(as: status) {
        var updated = fresh
        updated["status"] = status
        writeStatus(updated, manager: Self.autoscalerManager)
      }
    }
  }
}
