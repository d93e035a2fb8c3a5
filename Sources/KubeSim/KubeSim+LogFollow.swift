public import Kube
public import Manifest

/// `kubectl logs -f`: the log so far, then each line as virtual time reaches it, until the
/// followed run of the container ends — a crash (its traceback is the last chunk), the pod
/// stopping when deleted (its shutdown lines), or the pod vanishing — as the kubelet ends
/// the stream when the container it follows exits. A container not running (waiting to
/// restart) answers its last log and ends at once, as upstream does.
struct LogFollower {
  var pod: ResourceID
  var uid: String
  var container: Value
  var request: PodLogRequest
  /// The followed run: when it started, and the kubelet's view of it when last seen (kept,
  /// since the kubelet forgets a pod the moment it is gone).
  var runStart: SimInstant
  var runtime: PodRuntime
  /// Lines up to this instant have been sent.
  var sentThrough: SimInstant
  var continuation: AsyncThrowingStream<String, any Error>.Continuation
}

extension KubeSim {
  public func followLogs(of pod: ResourceID, _ request: PodLogRequest) throws(KubeError) -> AsyncThrowingStream<String, any Error> {
    let id = try cluster.api.normalizedStoredID(pod)
    let object = try cluster.api.get(id)
    let text = try cluster.podLog(object, request: request)
    let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
    if !text.isEmpty { continuation.yield(text) }
    guard !request.previous, let uid = object.uid, let runtime = cluster.kubelet[uid], case .running(let since) = runtime.state else {
      continuation.finish()
      return stream
    }
    logFollowerCounter += 1
    let key = logFollowerCounter
    logFollowers[key] = LogFollower(
      pod: id, uid: uid, container: try cluster.logContainer(object, request: request), request: request, runStart: since, runtime: runtime,
      sentThrough: cluster.now, continuation: continuation)
    continuation.onTermination = { [weak self] _ in
      guard let self else { return }
      Task { await self.removeLogFollower(key) }
    }
    return stream
  }

  private func removeLogFollower(_ key: Int) { logFollowers[key] = nil }

  func deliverLogLines() {
    for key in logFollowers.keys.sorted() {
      guard var follower = logFollowers[key] else { continue }
      let ended = cluster.advanceLog(&follower)
      if ended {
        follower.continuation.finish()
        logFollowers[key] = nil
      } else {
        logFollowers[key] = follower
      }
    }
  }
}

extension SimCluster {
  /// Sends what the followed run wrote since the last call; true when the run is over.
  func advanceLog(_ follower: inout LogFollower) -> Bool {
    let behaviour = scenario.behaviour(of: follower.runtime.image)
    func send(through end: SimInstant, exit: (reason: String, exitCode: Int64, at: SimInstant)?, runtime: PodRuntime) {
      guard end > follower.sentThrough || exit != nil else { return }
      let lines = Self.runLog(
        container: follower.container, image: runtime.image, behaviour: behaviour, start: follower.runStart, end: end, exit: exit,
        readyAt: exit == nil ? runtime.readyAt : nil, stop: exit == nil ? runtime.stopAt : nil)
      let fresh = lines.filter { $0.at > follower.sentThrough && $0.at <= end }
      if !fresh.isEmpty { follower.continuation.yield(Self.text(fresh, timestamps: follower.request.timestamps)) }
      follower.sentThrough = max(follower.sentThrough, end)
    }
    let current = api.store.get(follower.pod).flatMap { $0.uid == follower.uid ? kubelet[follower.uid] : nil }
    if let current, case .running(let since) = current.state, since == follower.runStart {
      follower.runtime = current
      let stop = current.stopAt
      send(through: min(now, stop ?? now), exit: nil, runtime: current)
      return stop.map { $0 <= now } ?? false
    }
    // The run is over. Crashed: its last lines up to the exit. Stopped (the pod is gone): up
    // to the stop the kubelet had set, if it was seen.
    if let current, let last = current.lastTermination, last.at >= follower.runStart {
      send(through: last.at, exit: last, runtime: current)
    } else if let stop = follower.runtime.stopAt {
      send(through: stop, exit: nil, runtime: follower.runtime)
    }
    return true
  }
}
