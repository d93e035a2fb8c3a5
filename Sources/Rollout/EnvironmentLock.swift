internal import Foundation
public import Kube
internal import Manifest

/// One apply at a time per environment: a `coordination.k8s.io/v1` Lease named
/// `release-lock.<environment>`, as controllers elect leaders. The holder renews it while it
/// works; a lease not renewed within its duration belongs to a process that died and is taken
/// over, so a killed apply never leaves a lock that needs manual surgery.
public struct EnvironmentLock: Sendable {
  public let api: any KubeAPI
  public let namespace: String
  public let environment: String
  /// user@host (pid N): who to ask when the lock is held.
  public let holder: String
  public let duration: Duration
  public let wallClock: any WallClock
  /// True when a holder is known to be dead (e.g. its process on this host is gone): its
  /// lease is taken over at once instead of after it expires.
  public let holderIsGone: @Sendable (String) -> Bool

  public init(
    api: any KubeAPI, namespace: String, environment: String, holder: String, duration: Duration = .seconds(60),
    wallClock: any WallClock, holderIsGone: @escaping @Sendable (String) -> Bool = { _ in false }
  ) {
    self.holderIsGone = holderIsGone
    self.api = api
    self.namespace = namespace
    self.environment = environment
    self.holder = holder
    self.duration = duration
    self.wallClock = wallClock
  }

  static let gvk = GroupVersionKind(group: "coordination.k8s.io", version: "v1", kind: "Lease")
  public var name: String { "release-lock.\(environment)" }
  var id: ResourceID { ResourceID(gvk: Self.gvk, namespace: namespace, name: name) }

  /// Takes the lock. Returns a warning when it took over an expired lease.
  public func acquire() async throws(RolloutError) -> String? {
    let now = wallClock.now()
    let existing: Value?
    do {
      existing = try await api.get(id)
    } catch where error.isNotFound {
      existing = nil
    } catch {
      throw RolloutError.api(error, doing: "reading lock Lease \(namespace)/\(name)")
    }
    guard let existing else {
      do {
        _ = try await api.create(lease(acquired: now, transitions: 0), options: WriteOptions(fieldManager: "release"))
        return nil
      } catch where error.isAlreadyExists {
        // Another apply created it between our read and our write: it won.
        throw await lostRace()
      } catch {
        throw RolloutError.api(error, doing: "creating lock Lease \(namespace)/\(name)")
      }
    }
    let spec = existing["spec"] ?? [:]
    let currentHolder = spec["holderIdentity"]?.stringValue ?? ""
    let renewed = spec["renewTime"]?.stringValue.flatMap(Self.parse) ?? .distantPast
    let seconds = Double(spec["leaseDurationSeconds"]?.intValue ?? 0)
    let expired = renewed.addingTimeInterval(seconds) < now
    let gone = !currentHolder.isEmpty && !expired && holderIsGone(currentHolder)
    if !currentHolder.isEmpty && !expired && !gone { throw locked(existing) }
    var next = lease(acquired: now, transitions: (spec["leaseTransitions"]?.intValue ?? 0) + 1)
    next[path: ["metadata", "resourceVersion"]] = existing[path: ["metadata", "resourceVersion"]]
    do {
      _ = try await api.update(next, subresource: nil, options: WriteOptions(fieldManager: "release"))
    } catch where error.isConflict {
      throw await lostRace()
    } catch {
      throw RolloutError.api(error, doing: "taking lock Lease \(namespace)/\(name)")
    }
    guard !currentHolder.isEmpty else { return nil }
    if gone {
      return "took over the lock of \(environment) from \(currentHolder): that process no longer exists (its apply was interrupted)"
    }
    return "took over the lock of \(environment) from \(currentHolder): it was last renewed at "
      + "\(Self.format(renewed)) and expired after \(Int(seconds)) s (its apply was interrupted)"
  }

  /// Extends the lease; called periodically while the apply runs.
  public func renew() async throws(RolloutError) {
    do {
      var current = try await api.get(id)
      guard current[path: ["spec", "holderIdentity"]]?.stringValue == holder else {
        throw RolloutError.locked(environment: environment, holder: current[path: ["spec", "holderIdentity"]]?.stringValue ?? "nobody",
          since: current[path: ["spec", "acquireTime"]]?.stringValue ?? "?")
      }
      current[path: ["spec", "renewTime"]] = .string(Self.format(wallClock.now()))
      _ = try await api.update(current, subresource: nil, options: WriteOptions(fieldManager: "release"))
    } catch let error as RolloutError {
      throw error
    } catch let error as KubeError {
      throw RolloutError.api(error, doing: "renewing lock Lease \(namespace)/\(name)")
    } catch {
      throw RolloutError.api(.transport("\(error)"), doing: "renewing lock Lease \(namespace)/\(name)")
    }
  }

  /// Gives the lock up (clears the holder), so the next apply need not wait for expiry.
  public func release() async throws(RolloutError) {
    do {
      var current = try await api.get(id)
      guard current[path: ["spec", "holderIdentity"]]?.stringValue == holder else { return }
      current[path: ["spec", "holderIdentity"]] = .string("")
      _ = try await api.update(current, subresource: nil, options: WriteOptions(fieldManager: "release"))
    } catch where error.isNotFound {
      return
    } catch {
      throw RolloutError.api(error, doing: "releasing lock Lease \(namespace)/\(name)")
    }
  }

  func lease(acquired: Date, transitions: Int64) -> Value {
    [
      "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
      "metadata": ["name": .string(name), "namespace": .string(namespace)],
      "spec": [
        "holderIdentity": .string(holder), "leaseDurationSeconds": .int(Int64(duration.components.seconds)),
        "acquireTime": .string(Self.format(acquired)), "renewTime": .string(Self.format(acquired)),
        "leaseTransitions": .int(transitions),
      ],
    ]
  }

  /// Another apply won the race for the lease: name it, or say why it could not be read.
  func lostRace() async -> RolloutError {
    do {
      return locked(try await api.get(id))
    } catch {
      return .locked(environment: environment, holder: "another apply (lease unreadable: \(error))", since: "just now")
    }
  }

  func locked(_ lease: Value?) -> RolloutError {
    .locked(
      environment: environment, holder: lease?[path: ["spec", "holderIdentity"]]?.stringValue ?? "another apply",
      since: lease?[path: ["spec", "acquireTime"]]?.stringValue ?? "just now")
  }

  /// MicroTime, as Lease fields are written: `2026-01-01T00:00:00.000000Z`.
  static func format(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    let base = formatter.string(from: date)
    let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
    let fraction = String(micros).leftPadded(to: 6)
    return base.replacingOccurrences(of: "Z", with: ".\(fraction)Z")
  }

  static func parse(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    // Six fractional digits are more than Foundation's parser takes: keep whole seconds.
    if let dot = text.firstIndex(of: ".") { return ISO8601DateFormatter().date(from: String(text[..<dot]) + "Z") }
    return ISO8601DateFormatter().date(from: text)
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
