public import Kube
public import Manifest
public import Promotion

/// `promote --digest`: reads, through `KubeAPI` only, what FROM's pods of each pinned image
/// report as their `imageID`. Which Deployments run an image comes from FROM's rendered
/// objects; which pods are theirs from the live Deployment's selector, as the controller reads it.
public enum RunningDigestReader {
  static let deploymentGVK = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")

  /// The ready, non-terminating containers of FROM's Deployments whose image is `repository`
  /// (any tag or digest: pods still on an older version are part of the answer, so a FROM
  /// mid-rollout disagrees with itself and is refused). `cluster` prefixes pod names when an
  /// environment has several clusters.
  public static func observations(
    of repository: String, in rendered: [Value], cluster: String? = nil, api: any KubeAPI
  ) async throws(ReleaseFailure) -> [RunningDigest.Observation] {
    var found: [RunningDigest.Observation] = []
    for object in rendered where object.resourceID?.gvk == deploymentGVK {
      let containers = (object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? [])
        .filter { ($0["image"]?.stringValue).map(Self.repository(of:)) == repository }
        .compactMap { $0["name"]?.stringValue }
      guard !containers.isEmpty, let id = object.resourceID else { continue }
      let live: Value
      let pods: [Value]
      do {
        live = try await api.get(id)
        let selector = live[path: ["spec", "selector"]]
        let matchLabels = (selector?["matchLabels"]?.objectValue ?? [:])
          .compactMap { key, value in value.stringValue.map { "\(key)=\($0)" } }.sorted().joined(separator: ",")
        pods = try await api.list(podGVK, namespace: id.namespace, options: ListOptions(labelSelector: matchLabels.isEmpty ? nil : matchLabels)).items
          .filter { LabelSelection.selector(selector, matches: LabelSelection.labels(of: $0)) }
      } catch {
        throw ReleaseFailure(exit: .blocked, message: "--digest: reading the pods of deployment \(id.namespace ?? "default")/\(id.name): \(error)")
      }
      for pod in pods where PodStatus.isReady(pod) && !PodStatus.isTerminating(pod) {
        let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        for status in statuses {
          guard let name = status["name"]?.stringValue, containers.contains(name),
            (status["image"]?.stringValue).map(Self.repository(of:)).map({ Self.sameRepository($0, repository) }) ?? true
          else { continue }
          let podName = "\(pod.namespace ?? "default")/\(pod.name ?? "?")"
          found.append(RunningDigest.Observation(pod: cluster.map { "\($0):\(podName)" } ?? podName, imageID: status["imageID"]?.stringValue ?? ""))
        }
      }
    }
    return found
  }

  /// `registry:5000/team/app:tag@sha256:…` → `registry:5000/team/app`: the name kustomize's
  /// `images` entries match (a `:` before the last `/` belongs to a registry's port).
  static func repository(of image: String) -> String {
    let withoutDigest = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
    let lastSlash = withoutDigest.lastIndex(of: "/") ?? withoutDigest.startIndex
    guard let colon = withoutDigest[lastSlash...].lastIndex(of: ":") else { return withoutDigest }
    return String(withoutDigest[..<colon])
  }

  /// A runtime may report the image normalized (`docker.io/vllm/vllm-openai`): the same one.
  static func sameRepository(_ reported: String, _ rendered: String) -> Bool {
    reported == rendered || reported == "docker.io/" + rendered || reported == "docker.io/library/" + rendered
  }
}
