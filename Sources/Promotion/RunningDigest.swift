/// `--digest`: which content digest an image ran with in FROM, decided from what FROM's pods
/// report (`status.containerStatuses[].imageID`). Pure: the pods are read elsewhere.
public enum RunningDigest {
  /// One ready container of a pinned image, as its pod reports it.
  public struct Observation: Sendable, Equatable {
    /// `namespace/name` of the pod.
    public var pod: String
    public var imageID: String

    public init(pod: String, imageID: String) {
      self.pod = pod
      self.imageID = imageID
    }
  }

  /// The `sha256:<hex>` of an imageID: containerd's `docker.io/repo@sha256:…`, docker's
  /// `docker-pullable://repo@sha256:…`, or a bare `sha256:…` (an image ID, not a registry
  /// digest: it cannot be pulled by, so it is not accepted).
  public static func digest(ofImageID imageID: String) -> String? {
    guard let at = imageID.lastIndex(of: "@") else { return nil }
    let digest = String(imageID[imageID.index(after: at)...])
    guard digest.hasPrefix("sha256:") else { return nil }
    let hex = digest.dropFirst("sha256:".count)
    guard hex.count == 64, hex.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else { return nil }
    return digest
  }

  /// The one digest every observation agrees on. Refused, naming pods and digests, when there
  /// is no ready pod, when a pod reports no registry digest, or when pods disagree (FROM is
  /// mid-rollout, or a tag moved between pulls on different nodes).
  public static func agreed(_ observations: [Observation], image: String, from: String) throws(PromotionError) -> String {
    guard !observations.isEmpty else {
      throw PromotionError.noSingleDigest(from: from, image: image, reason: "no ready pod of \(from) runs it, so no digest ran there")
    }
    var pods: [String: [String]] = [:]
    var order: [String] = []
    for observation in observations.sorted(by: { $0.pod < $1.pod }) {
      guard let digest = digest(ofImageID: observation.imageID) else {
        let shown = observation.imageID.isEmpty ? "no imageID" : "imageID \"\(observation.imageID)\", which names no sha256 registry digest"
        throw PromotionError.noSingleDigest(from: from, image: image, reason: "pod \(observation.pod) reports \(shown)")
      }
      if pods[digest] == nil { order.append(digest) }
      pods[digest, default: []].append(observation.pod)
    }
    guard order.count == 1, let only = order.first else {
      let listed = order.sorted().map { "\($0) (\(pods[$0, default: []].joined(separator: ", ")))" }.joined(separator: "; ")
      throw PromotionError.noSingleDigest(from: from, image: image, reason: "its ready pods run different digests: \(listed)")
    }
    return only
  }
}
