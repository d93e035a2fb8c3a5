internal import Foundation
public import Manifest

/// The whole simulated cluster as one JSON document, so that separate `release` invocations
/// continue the same cluster: objects and counters, virtual time, the seeded generator, and
/// the kubelet's and controllers' private state. Loading then saving gives the same bytes.
public enum SimSnapshot {
  public static let formatVersion: Int64 = 1

  public static func encode(_ cluster: SimCluster) -> Value {
    var runtimes: Value = [:]
    for (uid, r) in cluster.kubelet.sorted(by: { $0.key < $1.key }) {
      var v: Value = [
        "node": .string(r.node), "image": .string(r.image), "restartCount": .int(r.restartCount),
        "crashReason": .string(r.crashReason), "exitCode": .int(r.exitCode), "startTime": instant(r.startTime),
      ]
      switch r.state {
      case .pulling(let until): v["state"] = ["pulling": instant(until)]
      case .pullFailed(let since): v["state"] = ["pullFailed": instant(since)]
      case .running(let since): v["state"] = ["running": instant(since)]
      case .backOff(let until): v["state"] = ["backOff": instant(until)]
      }
      if let t = r.readyAt { v["readyAt"] = instant(t) }
      if let t = r.crashAt { v["crashAt"] = instant(t) }
      if let t = r.stopAt { v["stopAt"] = instant(t) }
      if let ip = r.podIP { v["podIP"] = .string(ip) }
      if let last = r.lastTermination {
        v["lastTermination"] = ["reason": .string(last.reason), "exitCode": .int(last.exitCode), "at": instant(last.at)]
      }
      runtimes[uid] = v
    }
    var cache: Value = [:]
    for (node, images) in cluster.imageCache.sorted(by: { $0.key < $1.key }) { cache[node] = .array(images.sorted().map(Value.string)) }
    var metrics: Value = [:]
    for (k, v) in cluster.metricOverrides.sorted(by: { $0.key < $1.key }) { metrics[k] = .float(v) }
    var tokens: Value = [:]
    for (digest, token) in cluster.serviceAccountTokens.sorted(by: { $0.key < $1.key }) { tokens[digest] = token.value }
    return [
      "formatVersion": .int(formatVersion),
      "now": instant(cluster.now),
      "rng": .string(String(cluster.rng.state)),
      "resourceVersion": .int(cluster.api.store.resourceVersion),
      "uidCounter": .int(cluster.api.store.uidCounter),
      "nextClusterIP": .int(Int64(cluster.api.nextClusterIP)),
      "podIPCounter": .int(Int64(cluster.podIPCounter)),
      "wakeups": .array(Set(cluster.wakeups.filter { $0 > cluster.now }).sorted().map(instant)),
      "objects": .array(cluster.api.store.allObjects),
      "kubelet": runtimes,
      "imageCache": cache,
      "metricOverrides": metrics,
      "serviceAccountTokens": tokens,
    ]
  }

  public static func decode(_ value: Value, scenario: Scenario) throws(SimStateError) -> SimCluster {
    guard value["formatVersion"]?.intValue == formatVersion else {
      throw SimStateError(message: "unsupported state format \(value["formatVersion"].map(YAMLWriter.scalarText) ?? "(none)"); run `release sim reset`")
    }
    var cluster = SimCluster(restoringWith: scenario)
    cluster.setNow(try instantValue(value["now"], "now"))
    cluster.rng = SplitMix64(seed: UInt64(value["rng"]?.stringValue ?? "") ?? scenario.seed)
    cluster.api.store.restore(
      objects: value["objects"]?.arrayValue ?? [], resourceVersion: value["resourceVersion"]?.intValue ?? 0,
      uidCounter: value["uidCounter"]?.intValue ?? 0)
    cluster.api.nextClusterIP = Int(value["nextClusterIP"]?.intValue ?? 10)
    cluster.podIPCounter = Int(value["podIPCounter"]?.intValue ?? 0)
    cluster.wakeups = try (value["wakeups"]?.arrayValue ?? []).map { (v) throws(SimStateError) in try instantValue(v, "wakeups") }
    for (uid, r) in value["kubelet"]?.objectValue ?? [:] {
      let stateValue = r["state"] ?? [:]
      let state: PodRuntime.State
      if let t = stateValue["pulling"] { state = .pulling(until: try instantValue(t, "state")) }
      else if let t = stateValue["pullFailed"] { state = .pullFailed(since: try instantValue(t, "state")) }
      else if let t = stateValue["running"] { state = .running(since: try instantValue(t, "state")) }
      else if let t = stateValue["backOff"] { state = .backOff(until: try instantValue(t, "state")) }
      else { throw SimStateError(message: "kubelet.\(uid).state is missing") }
      var runtime = PodRuntime(
        node: r["node"]?.stringValue ?? "", image: r["image"]?.stringValue ?? "", state: state,
        startTime: try instantValue(r["startTime"], "startTime"))
      runtime.restartCount = r["restartCount"]?.intValue ?? 0
      runtime.crashReason = r["crashReason"]?.stringValue ?? "Error"
      runtime.exitCode = r["exitCode"]?.intValue ?? 1
      runtime.readyAt = try r["readyAt"].map { (v) throws(SimStateError) in try instantValue(v, "readyAt") }
      runtime.crashAt = try r["crashAt"].map { (v) throws(SimStateError) in try instantValue(v, "crashAt") }
      runtime.stopAt = try r["stopAt"].map { (v) throws(SimStateError) in try instantValue(v, "stopAt") }
      runtime.podIP = r["podIP"]?.stringValue
      if let last = r["lastTermination"] {
        runtime.lastTermination = (last["reason"]?.stringValue ?? "Error", last["exitCode"]?.intValue ?? 1, try instantValue(last["at"], "lastTermination.at"))
      }
      cluster.kubelet[uid] = runtime
    }
    cluster.rebuildEventIndex()
    for (node, images) in value["imageCache"]?.objectValue ?? [:] {
      cluster.imageCache[node] = Set((images.arrayValue ?? []).compactMap(\.stringValue))
    }
    for (digest, token) in value["serviceAccountTokens"]?.objectValue ?? [:] {
      cluster.serviceAccountTokens[digest] = try ServiceAccountToken(token)
    }
    for (k, v) in value["metricOverrides"]?.objectValue ?? [:] {
      if case .float(let d) = v { cluster.metricOverrides[k] = d } else if let i = v.intValue { cluster.metricOverrides[k] = Double(i) }
    }
    return cluster
  }

  static func instant(_ t: SimInstant) -> Value {
    .int(Int64(t.sinceEpoch.components.seconds) * 1000 + t.sinceEpoch.components.attoseconds / 1_000_000_000_000_000)
  }

  static func instantValue(_ value: Value?, _ field: String) throws(SimStateError) -> SimInstant {
    guard let ms = value?.intValue else { throw SimStateError(message: "\(field) is missing or not a number") }
    return SimInstant(sinceEpoch: .milliseconds(ms))
  }

  /// Loads `file`, or starts a fresh cluster from `scenario` when there is none yet.
  public static func load(_ file: String, scenario: Scenario) throws(SimStateError) -> KubeSim {
    guard FileManager.default.fileExists(atPath: file) else { return KubeSim(scenario: scenario) }
    guard let data = FileManager.default.contents(atPath: file) else { throw SimStateError(message: "\(file): cannot read") }
    let value: Value
    do {
      value = try JSON.parse(bytes: Array(data), file: file)
    } catch {
      throw SimStateError(message: "\(error); run `release sim reset` to start over")
    }
    return KubeSim(restoring: try decode(value, scenario: scenario))
  }

  /// Writes atomically (temporary file, then rename): a crash never leaves half a state. The
  /// state holds Secret data, so the file is the owner's alone (0600), as a kubeconfig is.
  public static func save(_ sim: KubeSim, to file: String) async throws(SimStateError) {
    let text = JSON.string(encode(await sim.cluster)) + "\n"
    let directory = (file as NSString).deletingLastPathComponent
    do {
      if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    } catch {
      throw SimStateError(message: "\(directory): cannot create the state directory: \(error.localizedDescription)")
    }
    let temporary = file + ".tmp"
    try writeOwnerOnly(Array(text.utf8), to: temporary)
    if rename(temporary, file) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw SimStateError(message: "\(file): cannot write state: \(reason)")
    }
  }

  /// Creates `path` with mode 0600 before a byte is written, so the data is never readable by
  /// others, not even for a moment; a stale file there (of any mode) is replaced.
  static func writeOwnerOnly(_ bytes: [UInt8], to path: String) throws(SimStateError) {
    func failure() -> SimStateError { SimStateError(message: "\(path): cannot write state: \(String(cString: strerror(errno)))") }
    if unlink(path) != 0 && errno != ENOENT { throw failure() }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else { throw failure() }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw failure()
      }
      offset += written
    }
  }
}

public struct SimStateError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { "embedded cluster state: \(message)" }
}
