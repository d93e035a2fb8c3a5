public import Manifest

/// How long a new pod takes to be ready at worst, read from its readinessProbe:
/// initialDelaySeconds + periodSeconds × failureThreshold (probe defaults 0, 10 and 3). The
/// ETA is this window per step: model load dominates a vLLM pod's start, and the probe's
/// delay is where teams write down how long that takes.
public enum ReadinessWindow {
  /// The longest window of the template's containers; nil when none has a readinessProbe.
  public static func of(podTemplate: Value) -> Duration? {
    let windows = (podTemplate[path: ["spec", "containers"]]?.arrayValue ?? []).compactMap { container -> Int64? in
      guard let probe = container["readinessProbe"], probe.objectValue != nil else { return nil }
      let delay = probe["initialDelaySeconds"]?.intValue ?? 0
      let period = probe["periodSeconds"]?.intValue ?? 10
      let failures = probe["failureThreshold"]?.intValue ?? 3
      return delay + period * failures
    }
    return windows.max().map { .seconds($0) }
  }
}
