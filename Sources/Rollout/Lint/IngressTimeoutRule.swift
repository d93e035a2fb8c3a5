internal import Diff
internal import Manifest

/// An nginx Ingress in front of a GPU Deployment that gives up before a generation ends.
///
/// The generation time is the Deployment's `release.dev/generation-seconds` annotation, else
/// `LintSettings.generationTime` (300 s): readiness says nothing about how long one request
/// takes, and a number the team writes on the Deployment is simpler than guessing it from
/// max-model-len and throughput. Ingresses of other controllers, and those whose backends are
/// not GPU Deployments rendered here, are not judged.
public struct IngressTimeoutRule: LintRule {
  public let id = "ingress-timeout"
  public let severity = LintSeverity.warning
  public let summary = "nginx ingress proxy-read/send-timeout shorter than the generation time of the GPU Deployment behind it"

  static let prefix = "nginx.ingress.kubernetes.io/"
  static let timeouts = ["proxy-read-timeout", "proxy-send-timeout"]
  /// ingress-nginx's own default for both, in seconds.
  static let nginxDefault: Int64 = 60

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    var findings = input.workloads.filter { $0.isDeployment && $0.usesGPUs }.compactMap { badAnnotation($0) }
    for ingress in input.objects(kind: "Ingress", groups: ["networking.k8s.io", "extensions"]) where Self.isNginx(ingress) {
      guard let id = ingress.resourceID else { continue }
      let backends = Self.backendDeployments(ingress, input)
      guard let slowest = backends.max(by: { generation($0, input.settings).seconds < generation($1, input.settings).seconds }) else {
        continue
      }
      let (needed, stated) = generation(slowest, input.settings)
      for name in Self.timeouts {
        let key = Self.prefix + name
        let value = ingress.annotations[key]
        let seconds = value.flatMap(Self.seconds)
        let timeout = seconds ?? Self.nginxDefault
        guard timeout < needed else { continue }
        let written =
          value == nil
          ? "\(timeout) s (ingress-nginx's default)"
          : seconds == nil
            ? "\(LintText.written(value ?? .null)) (not a number of seconds: ingress-nginx uses its default \(timeout) s)"
            : "\(timeout) s"
        findings.append(
          finding(
            id, FieldPath([.key("metadata"), .key("annotations"), .key(key)]),
            message: "\(name) \(written) is shorter than the generation time \(needed) s of \(slowest.id)"
              + (stated ? " (its \(LintSettings.generationAnnotation))" : " (the default; the Deployment does not state it)"),
            why: "nginx closes a proxied connection that stays silent (read) or does not take data (send) that long: a long generation, "
              + "or an answer that is only sent when complete, ends in a 504 while the GPU keeps working on it",
            fix: "set the annotation to at least \"\(needed)\", or state the real generation time on the Deployment with "
              + "\(LintSettings.generationAnnotation)"))
      }
    }
    return findings
  }

  /// The Deployment's generation time in seconds, and whether it states it itself.
  func generation(_ deployment: LintWorkload, _ settings: LintSettings) -> (seconds: Int64, stated: Bool) {
    if let value = deployment.object.annotations[LintSettings.generationAnnotation], let seconds = Self.seconds(value) {
      return (seconds, true)
    }
    return (settings.generationTime.components.seconds, false)
  }

  /// An annotation the rule cannot read is said so, not silently replaced by the default.
  func badAnnotation(_ deployment: LintWorkload) -> LintFinding? {
    let key = LintSettings.generationAnnotation
    guard let value = deployment.object.annotations[key], Self.seconds(value) == nil else { return nil }
    return finding(
      deployment.id, FieldPath([.key("metadata"), .key("annotations"), .key(key)]),
      message: "\(key) \(LintText.written(value)) is not a whole number of seconds; the default generation time is used instead",
      why: "the ingress timeout check measures the proxy in front of this Deployment against this number",
      fix: "write the longest generation in whole seconds, e.g. \"600\"")
  }

  /// Seconds written as `"300"` (annotations are strings) or 300; nil for anything else.
  static func seconds(_ value: Value) -> Int64? {
    switch value {
    case .int(let i) where i >= 0: return i
    case .string(let s): return Int64(s).flatMap { $0 >= 0 ? $0 : nil }
    default: return nil
    }
  }

  /// ingress-nginx's by class (spec or the legacy annotation), or by its annotations when no class is written.
  static func isNginx(_ ingress: Value) -> Bool {
    let className =
      ingress[path: ["spec", "ingressClassName"]]?.stringValue ?? ingress.annotations["kubernetes.io/ingress.class"]?.stringValue
    if let className { return className.contains("nginx") }
    return ingress.annotations.keys.contains { $0.hasPrefix(prefix) }
  }

  /// GPU Deployments behind the Ingress's backend Services (by the Services' selectors).
  static func backendDeployments(_ ingress: Value, _ input: LintInput) -> [LintWorkload] {
    let namespace = ingress.namespace ?? "default"
    var names: [String] = []
    var backends: [Value] = [ingress[path: ["spec", "defaultBackend"]], ingress[path: ["spec", "backend"]]].compactMap { $0 }
    for rule in ingress[path: ["spec", "rules"]]?.arrayValue ?? [] {
      backends += (rule[path: ["http", "paths"]]?.arrayValue ?? []).compactMap { $0["backend"] }
    }
    for backend in backends {
      // networking.k8s.io/v1 names `service.name`; the older API `serviceName`.
      if let name = backend[path: ["service", "name"]]?.stringValue ?? backend["serviceName"]?.stringValue, !names.contains(name) {
        names.append(name)
      }
    }
    let services = input.objects(kind: "Service", groups: [""]).filter { service in
      (service.namespace ?? "default") == namespace && names.contains(service.name ?? "")
    }
    return input.workloads.filter { workload in
      workload.isDeployment && workload.usesGPUs && workload.namespace == namespace
        && services.contains { Self.selector($0[path: ["spec", "selector"]], matches: workload.podLabels) }
    }
  }

  /// A Service's selector: every pair present. An empty or missing one selects no pods
  /// (its endpoints are managed by hand).
  static func selector(_ selector: Value?, matches labels: [String: String]) -> Bool {
    guard let pairs = selector?.objectValue, !pairs.isEmpty else { return false }
    return pairs.allSatisfy { labels[$0.key] == $0.value.stringValue }
  }
}
