public import Manifest

/// autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscalers, as upstream converts them
/// (pkg/apis/autoscaling/v1/conversion.go). v1 knows one metric, CPU utilization
/// (`targetCPUUtilizationPercentage`, `currentCPUUtilizationPercentage`); everything else
/// v2 holds (other metrics and their status, conditions, behavior) travels through v1 in
/// `autoscaling.alpha.kubernetes.io/*` annotations as JSON, so a v1 client's read-modify-write
/// loses nothing. A v1 HPA without any metric gets upstream's implicit 80 % CPU target.
public enum HPAConversion {
  public static let metricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics"
  public static let currentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics"
  public static let conditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions"
  public static let behaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior"
  static let roundTripAnnotations = [metricsAnnotation, currentMetricsAnnotation, conditionsAnnotation, behaviorAnnotation]
  public static let defaultCPUUtilization: Int64 = 80

  // MARK: - v1 → v2

  public static func v1ToV2(_ v1: Value) -> Value {
    var out = v1
    out["apiVersion"] = "autoscaling/v2"
    var annotations = v1.annotations
    let spec = v1["spec"] ?? [:]
    var metrics: [Value] = []
    if let other = parsed(annotations[metricsAnnotation])?.arrayValue {
      metrics = other.map(metricSpecToV2)
      annotations[metricsAnnotation] = nil
    }
    if let cpu = spec["targetCPUUtilizationPercentage"]?.intValue { metrics.append(cpuMetric(cpu)) }
    if metrics.isEmpty { metrics = [cpuMetric(defaultCPUUtilization)] }
    var newSpec: Value = [:]
    for key in ["scaleTargetRef", "minReplicas", "maxReplicas"] { if let value = spec[key] { newSpec[key] = value } }
    newSpec["metrics"] = .array(metrics)
    if let behavior = parsed(annotations[behaviorAnnotation]), behavior.objectValue != nil {
      newSpec["behavior"] = behavior
      annotations[behaviorAnnotation] = nil
    }
    out["spec"] = newSpec

    let status = v1["status"] ?? [:]
    var newStatus: Value = [:]
    for key in ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"] {
      if let value = status[key] { newStatus[key] = value }
    }
    if let cpu = status["currentCPUUtilizationPercentage"]?.intValue {
      newStatus["currentMetrics"] = [["type": "Resource", "resource": ["name": "cpu", "current": ["averageUtilization": .int(cpu)]]]]
    }
    if let current = parsed(annotations[currentMetricsAnnotation])?.arrayValue {
      newStatus["currentMetrics"] = .array(current.map(metricStatusToV2))
      annotations[currentMetricsAnnotation] = nil
    }
    if let conditions = parsed(annotations[conditionsAnnotation])?.arrayValue {
      newStatus["conditions"] = .array(conditions)
      annotations[conditionsAnnotation] = nil
    }
    out["status"] = newStatus.objectValue?.isEmpty == true ? Value?.none : newStatus
    out[path: ["metadata", "annotations"]] = annotations.isEmpty ? Value?.none : .object(annotations)
    return out
  }

  /// A round-trip annotation's JSON. One that does not parse is left on the object as it is,
  /// as upstream leaves it ("we don't want to break whole requests over this").
  static func parsed(_ annotation: Value?) -> Value? {
    guard let text = annotation?.stringValue else { return nil }
    do {
      return try JSON.parse(text, file: "annotation")
    } catch {
      return nil
    }
  }

  static func cpuMetric(_ utilization: Int64) -> Value {
    ["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .int(utilization)]]]
  }

  static func metricSpecToV2(_ v1: Value) -> Value {
    var out: Value = ["type": v1["type"] ?? ""]
    if let source = v1["object"] {
      let type: Value = source["averageValue"] == nil ? "Value" : "AverageValue"
      out["object"] = [
        "describedObject": source["target"] ?? [:],
        "target": target(type, value: source["targetValue"], averageValue: source["averageValue"]),
        "metric": identifier(source["metricName"], source["selector"]),
      ]
    }
    if let source = v1["pods"] {
      out["pods"] = [
        "metric": identifier(source["metricName"], source["selector"]),
        "target": target("AverageValue", averageValue: source["targetAverageValue"]),
      ]
    }
    for key in ["resource", "containerResource"] {
      guard let source = v1[key] else { continue }
      let utilization = source["targetAverageUtilization"]
      var converted: Value = ["name": source["name"] ?? ""]
      converted["target"] = target(
        utilization == nil ? "AverageValue" : "Utilization", averageValue: source["targetAverageValue"], averageUtilization: utilization)
      if let container = source["container"] { converted["container"] = container }
      out[key] = converted
    }
    if let source = v1["external"] {
      let type: Value = source["targetAverageValue"] == nil ? "Value" : "AverageValue"
      out["external"] = [
        "metric": identifier(source["metricName"], source["metricSelector"]),
        "target": target(type, value: source["targetValue"], averageValue: source["targetAverageValue"]),
      ]
    }
    return out
  }

  static func metricStatusToV2(_ v1: Value) -> Value {
    var out: Value = ["type": v1["type"] ?? ""]
    if let source = v1["object"] {
      out["object"] = [
        "metric": identifier(source["metricName"], source["selector"]),
        "current": current(value: source["currentValue"], averageValue: source["averageValue"]),
        "describedObject": source["target"] ?? [:],
      ]
    }
    if let source = v1["pods"] {
      out["pods"] = [
        "metric": identifier(source["metricName"], source["selector"]), "current": current(averageValue: source["currentAverageValue"]),
      ]
    }
    for key in ["resource", "containerResource"] {
      guard let source = v1[key] else { continue }
      var converted: Value = ["name": source["name"] ?? ""]
      converted["current"] = current(averageValue: source["currentAverageValue"], averageUtilization: source["currentAverageUtilization"])
      if let container = source["container"] { converted["container"] = container }
      out[key] = converted
    }
    if let source = v1["external"] {
      out["external"] = [
        "metric": identifier(source["metricName"], source["metricSelector"]),
        "current": current(value: source["currentValue"], averageValue: source["currentAverageValue"]),
      ]
    }
    return out
  }

  static func identifier(_ name: Value?, _ selector: Value?) -> Value {
    var metric: Value = ["name": name ?? ""]
    if let selector { metric["selector"] = selector }
    return metric
  }

  static func target(_ type: Value, value: Value? = nil, averageValue: Value? = nil, averageUtilization: Value? = nil) -> Value {
    var target: Value = ["type": type]
    if let value { target["value"] = value }
    if let averageValue { target["averageValue"] = averageValue }
    if let averageUtilization { target["averageUtilization"] = averageUtilization }
    return target
  }

  static func current(value: Value? = nil, averageValue: Value? = nil, averageUtilization: Value? = nil) -> Value {
    var current: Value = [:]
    if let value { current["value"] = value }
    if let averageValue { current["averageValue"] = averageValue }
    if let averageUtilization { current["averageUtilization"] = averageUtilization }
    return current
  }

  // MARK: - v2 → v1

  public static func v2ToV1(_ v2: Value) -> Value {
    var out = v2
    out["apiVersion"] = "autoscaling/v1"
    var annotations = v2.annotations
    for key in roundTripAnnotations { annotations[key] = nil }
    let spec = v2["spec"] ?? [:]
    let metrics = spec["metrics"]?.arrayValue ?? []
    var newSpec: Value = [:]
    for key in ["scaleTargetRef", "minReplicas", "maxReplicas"] { if let value = spec[key] { newSpec[key] = value } }
    if let cpu = metrics.first(where: isCPUUtilization) {
      newSpec["targetCPUUtilizationPercentage"] = cpu[path: ["resource", "target", "averageUtilization"]]
    }
    out["spec"] = newSpec
    let other = metrics.filter { !isCPUUtilization($0) }.map(metricSpecToV1)
    if !other.isEmpty { annotations[metricsAnnotation] = .string(JSON.string(.array(other))) }
    if let behavior = spec["behavior"], behavior.objectValue != nil { annotations[behaviorAnnotation] = .string(JSON.string(behavior)) }

    let status = v2["status"] ?? [:]
    var newStatus: Value = [:]
    if let generation = status["observedGeneration"] { newStatus["observedGeneration"] = generation }
    if let time = status["lastScaleTime"] { newStatus["lastScaleTime"] = time }
    newStatus["currentReplicas"] = status["currentReplicas"] ?? 0
    newStatus["desiredReplicas"] = status["desiredReplicas"] ?? 0
    let current = status["currentMetrics"]?.arrayValue ?? []
    if let cpu = current.first(where: { $0["type"] == "Resource" && $0[path: ["resource", "name"]] == "cpu" }),
      let utilization = cpu[path: ["resource", "current", "averageUtilization"]]
    {
      newStatus["currentCPUUtilizationPercentage"] = utilization
    }
    if !current.isEmpty { annotations[currentMetricsAnnotation] = .string(JSON.string(.array(current.map(metricStatusToV1)))) }
    if let conditions = status["conditions"]?.arrayValue, !conditions.isEmpty {
      annotations[conditionsAnnotation] = .string(JSON.string(.array(conditions)))
    }
    out["status"] = newStatus
    out[path: ["metadata", "annotations"]] = annotations.isEmpty ? Value?.none : .object(annotations)
    return out
  }

  static func isCPUUtilization(_ metric: Value) -> Bool {
    metric["type"] == "Resource" && metric[path: ["resource", "name"]] == "cpu"
      && metric[path: ["resource", "target", "averageUtilization"]] != nil
  }

  static func metricSpecToV1(_ v2: Value) -> Value {
    var out: Value = ["type": v2["type"] ?? ""]
    if let source = v2["object"] {
      var converted: Value = ["target": source["describedObject"] ?? [:], "metricName": source[path: ["metric", "name"]] ?? ""]
      converted["targetValue"] = source[path: ["target", "value"]] ?? "0"
      if let selector = source[path: ["metric", "selector"]] { converted["selector"] = selector }
      if let average = source[path: ["target", "averageValue"]] { converted["averageValue"] = average }
      out["object"] = converted
    }
    if let source = v2["pods"] {
      var converted: Value = [
        "metricName": source[path: ["metric", "name"]] ?? "", "targetAverageValue": source[path: ["target", "averageValue"]] ?? "0",
      ]
      if let selector = source[path: ["metric", "selector"]] { converted["selector"] = selector }
      out["pods"] = converted
    }
    for key in ["resource", "containerResource"] {
      guard let source = v2[key] else { continue }
      var converted: Value = ["name": source["name"] ?? ""]
      if let utilization = source[path: ["target", "averageUtilization"]] { converted["targetAverageUtilization"] = utilization }
      if let average = source[path: ["target", "averageValue"]] { converted["targetAverageValue"] = average }
      if let container = source["container"] { converted["container"] = container }
      out[key] = converted
    }
    if let source = v2["external"] {
      var converted: Value = ["metricName": source[path: ["metric", "name"]] ?? ""]
      if let selector = source[path: ["metric", "selector"]] { converted["metricSelector"] = selector }
      if let value = source[path: ["target", "value"]] { converted["targetValue"] = value }
      if let average = source[path: ["target", "averageValue"]] { converted["targetAverageValue"] = average }
      out["external"] = converted
    }
    return out
  }

  static func metricStatusToV1(_ v2: Value) -> Value {
    var out: Value = ["type": v2["type"] ?? ""]
    if let source = v2["object"] {
      var converted: Value = [
        "target": source["describedObject"] ?? [:], "metricName": source[path: ["metric", "name"]] ?? "",
        "currentValue": source[path: ["current", "value"]] ?? "0",
      ]
      if let selector = source[path: ["metric", "selector"]] { converted["selector"] = selector }
      if let average = source[path: ["current", "averageValue"]] { converted["averageValue"] = average }
      out["object"] = converted
    }
    if let source = v2["pods"] {
      var converted: Value = [
        "metricName": source[path: ["metric", "name"]] ?? "", "currentAverageValue": source[path: ["current", "averageValue"]] ?? "0",
      ]
      if let selector = source[path: ["metric", "selector"]] { converted["selector"] = selector }
      out["pods"] = converted
    }
    for key in ["resource", "containerResource"] {
      guard let source = v2[key] else { continue }
      var converted: Value = ["name": source["name"] ?? ""]
      if let utilization = source[path: ["current", "averageUtilization"]] { converted["currentAverageUtilization"] = utilization }
      converted["currentAverageValue"] = source[path: ["current", "averageValue"]] ?? "0"
      if let container = source["container"] { converted["container"] = container }
      out[key] = converted
    }
    if let source = v2["external"] {
      var converted: Value = ["metricName": source[path: ["metric", "name"]] ?? ""]
      if let selector = source[path: ["metric", "selector"]] { converted["metricSelector"] = selector }
      converted["currentValue"] = source[path: ["current", "value"]] ?? "0"
      if let average = source[path: ["current", "averageValue"]] { converted["currentAverageValue"] = average }
      out["external"] = converted
    }
    return out
  }
}
