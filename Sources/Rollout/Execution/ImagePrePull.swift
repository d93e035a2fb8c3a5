internal import Foundation
public import Kube
public import Manifest

/// Pulls a new version's images onto the nodes its pods can land on before the first step, so
/// each step waits for the model to load and not for a 10 GB image: one short-lived pod per
/// node and image, bound to the node directly, requesting no GPU and tolerating every taint.
/// Pulled means the kubelet got past the pull (the container ran, or failed to start for a
/// reason other than the pull). A pull that fails is the image-pull gate failing before any
/// pod of the service was replaced. The pods are always removed, also when this throws.
public struct ImagePrePull: Sendable {
  /// What to pull for one Deployment, and where.
  public struct Target: Sendable, Hashable {
    public var deployment: ResourceID
    public var images: [String]
    public var nodes: [String]
    public var imagePullSecrets: Value?

    public init(deployment: ResourceID, images: [String], nodes: [String], imagePullSecrets: Value? = nil) {
      self.deployment = deployment
      self.images = images
      self.nodes = nodes
      self.imagePullSecrets = imagePullSecrets
    }
  }

  public static let label = "release.dev/prepull"
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")

  public let api: any KubeAPI
  public let clock: any Clock<Duration>
  public let observer: any ApplyObserver
  public let fieldManager: String
  public var pollInterval: Duration = .seconds(2)
  /// A pull slower than this fails the rollout before any step.
  public var timeout: Duration = .seconds(1800)

  public init(api: any KubeAPI, clock: any Clock<Duration>, observer: any ApplyObserver, fieldManager: String) {
    self.api = api
    self.clock = clock
    self.observer = observer
    self.fieldManager = fieldManager
  }

  /// The targets of a plan: each rolling Deployment that runs already, with the new template's images.
  public static func targets(plan: RolloutPlan, desired: [ResourceID: Value]) -> [Target] {
    plan.entries.compactMap { entry in
      guard !entry.isNew, !entry.isBlocked, entry.replicas > 0, let object = desired[entry.id] else { return nil }
      let spec = object[path: ["spec", "template", "spec"]] ?? [:]
      var images: [String] = []
      for list in ["initContainers", "containers"] {
        for container in spec[list]?.arrayValue ?? [] {
          if let image = container["image"]?.stringValue, !images.contains(image) { images.append(image) }
        }
      }
      return Target(deployment: entry.id, images: images, nodes: entry.nodes, imagePullSecrets: spec["imagePullSecrets"])
    }
  }

  public func run(_ targets: [Target], heartbeat: @Sendable () async -> Void) async throws(RolloutError) {
    let pods = targets.flatMap { target in
      target.images.flatMap { image in target.nodes.map { node in Self.pod(for: target, image: image, node: node) } }
    }
    guard !pods.isEmpty else { return }
    await removeLeftovers(keeping: pods)
    let outcome: Result<Void, RolloutError>
    do {
      try await pull(pods, heartbeat: heartbeat)
      outcome = .success(())
    } catch {
      outcome = .failure(error)
    }
    await remove(pods)
    try outcome.get()
  }

  func pull(_ pods: [Value], heartbeat: @Sendable () async -> Void) async throws(RolloutError) {
    let stopwatch = Stopwatch(clock)
    let images = Set(pods.compactMap { $0[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue }).sorted()
    let nodes = Set(pods.compactMap { $0[path: ["spec", "nodeName"]]?.stringValue }).count
    await observer.report(.prePulling(images: images, nodes: nodes))
    for pod in pods {
      do {
        _ = try await api.create(pod, options: WriteOptions(fieldManager: fieldManager))
      } catch where error.isAlreadyExists {
        continue  // left by an apply that was killed: it pulls the same image
      } catch {
        throw RolloutError.api(error, doing: "creating pre-pull pod \(pod.name ?? "?") on node \(pod[path: ["spec", "nodeName"]]?.stringValue ?? "?")")
      }
    }
    var done: Set<String> = []
    while done.count < pods.count {
      await heartbeat()
      for pod in pods where !done.contains(pod.name ?? "") {
        guard let id = pod.resourceID else { continue }
        let live: Value
        do {
          live = try await api.get(id)
        } catch {
          throw RolloutError.api(error, doing: "reading pre-pull pod \(id.name)")
        }
        switch Self.state(of: live) {
        case .pulling: continue
        case .pulled: done.insert(id.name)
        case .failed(let reason):
          let node = pod[path: ["spec", "nodeName"]]?.stringValue ?? "?"
          throw RolloutError.gateFailed(GateFailure(
            gate: "image-pull", workload: Self.deployment(of: pod), evidence: "pre-pull on node \(node): \(reason)"))
        }
      }
      if done.count == pods.count { break }
      if stopwatch.elapsed > timeout {
        throw RolloutError.gateFailed(GateFailure(
          gate: "image-pull", workload: nil,
          evidence: "\(pods.count - done.count) of \(pods.count) pre-pulls not done after \(timeout.components.seconds) s"))
      }
      do {
        try await stopwatch.sleep(for: pollInterval)
      } catch {
        throw RolloutError.rolloutFailed(reasons: ["interrupted while pre-pulling"])
      }
    }
    await observer.report(.prePulled(images: images, nodes: nodes, elapsed: stopwatch.elapsed))
  }

  enum PullState: Equatable {
    case pulling, pulled
    case failed(String)
  }

  static func state(of pod: Value) -> PullState {
    guard let status = pod[path: ["status", "containerStatuses"]]?.arrayValue?.first else { return .pulling }
    if let waiting = status[path: ["state", "waiting"]] {
      let reason = waiting["reason"]?.stringValue ?? ""
      switch reason {
      case "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull":
        return .failed("\(reason)" + (waiting["message"]?.stringValue.map { ": \($0)" } ?? ""))
      case "", "ContainerCreating", "PodInitializing", "ErrImagePull": return .pulling
      default: return .pulled  // it got as far as starting the container
      }
    }
    return .pulled
  }

  /// Removes this environment's pre-pull pods, also those a killed apply left behind.
  func remove(_ pods: [Value]) async {
    for pod in pods {
      guard let id = pod.resourceID else { continue }
      do {
        _ = try await api.delete(id, options: DeleteOptions(gracePeriodSeconds: 0))
      } catch where error.isNotFound {
        continue
      } catch {
        await observer.report(.warning("could not remove pre-pull pod \(id.namespace ?? "default")/\(id.name): \(error); delete it by hand"))
      }
    }
  }

  /// Pre-pull pods of an apply that was killed, in these namespaces (every apply clears them,
  /// also one that has nothing to pull).
  public func removeLeftovers(in namespaces: [String]) async {
    await removeLeftovers(keeping: [], namespaces: namespaces)
  }

  /// Pre-pull pods of an apply that was killed, for images no longer wanted.
  func removeLeftovers(keeping pods: [Value], namespaces: [String]? = nil) async {
    let wanted = Set(pods.compactMap(\.resourceID))
    for namespace in (namespaces ?? Set(pods.compactMap(\.namespace)).sorted()) {
      guard let listed = try? await api.list(Self.podGVK, namespace: namespace, options: ListOptions(labelSelector: Self.label)) else {
        continue  // the pods we create are removed by name either way
      }
      await remove(listed.items.filter { $0.resourceID.map { !wanted.contains($0) } ?? false })
    }
  }

  static func deployment(of pod: Value) -> ResourceID? {
    guard let name = pod[path: ["metadata", "labels", label]]?.stringValue else { return nil }
    return ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: pod.namespace, name: name)
  }

  /// `prepull-vllm-gpu-node-1-3f2a9c`: stable, so a killed apply's pod is found again.
  static func pod(for target: Target, image: String, node: String) -> Value {
    let digest = String(UInt32(truncatingIfNeeded: image.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }), radix: 16)
    let name = String("prepull-\(target.deployment.name)-\(node)".prefix(240)) + "-\(digest)"
    var spec: Value = [
      "nodeName": .string(node),
      "restartPolicy": "Never",
      "terminationGracePeriodSeconds": 0,
      "automountServiceAccountToken": false,
      "tolerations": [["operator": "Exists"]],
      "containers": [[
        "name": "pull", "image": .string(image), "imagePullPolicy": "IfNotPresent",
        // Nothing needs to run: the pull is the point. A missing shell fails the start, after the pull.
        "command": ["/bin/sh", "-c", "exit 0"],
        "resources": ["requests": ["cpu": "1m", "memory": "8Mi"], "limits": ["cpu": "100m", "memory": "64Mi"]],
      ]],
    ]
    if let secrets = target.imagePullSecrets { spec["imagePullSecrets"] = secrets }
    return [
      "apiVersion": "v1", "kind": "Pod",
      "metadata": [
        "name": .string(name.lowercased()), "namespace": .string(target.deployment.namespace ?? "default"),
        "labels": [.init(label): .string(target.deployment.name)],
      ],
      "spec": spec,
    ]
  }
}
