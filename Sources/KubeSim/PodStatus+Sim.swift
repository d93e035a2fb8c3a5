public import Kube
public import Manifest

extension PodStatus {
  /// When the pod last became Ready, on the simulation's timeline.
  public static func readySince(_ pod: Value) -> SimInstant? {
    readyTransitionTime(pod).flatMap(SimInstant.parse)
  }

  /// Ready for at least `minReadySeconds` (upstream IsPodAvailable).
  public static func isAvailable(_ pod: Value, minReadySeconds: Int64, now: SimInstant) -> Bool {
    guard !isTerminating(pod), let since = readySince(pod) else { return false }
    return minReadySeconds == 0 || since.advanced(by: .seconds(minReadySeconds)) <= now
  }
}
