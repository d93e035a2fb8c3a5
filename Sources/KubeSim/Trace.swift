import Manifest

/// Everything observable that happened in the simulation, with its virtual time: tests assert
/// "never fewer than N ready pods" or "the rollout took T seconds" from it, and the same
/// scenario and seed always produce the same trace.
public struct Trace: Sendable, Equatable {
  public enum Kind: String, Sendable, Equatable, Codable {
    case created, scheduled, unschedulable, started, ready, notReady, crashed, terminating, deleted, evicted, condition, scaled
    /// The API server refused a controller's (or the scenario's) write; the detail says who,
    /// what and why.
    case writeFailed
  }

  public struct Entry: Sendable, Equatable, CustomStringConvertible {
    public var seconds: Double
    public var kind: Kind
    /// `namespace/name` of the object.
    public var object: String
    public var detail: String
    public var labels: [String: String]

    public var description: String {
      let t = seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
      return "t=\(t)s \(kind.rawValue) \(object)\(detail.isEmpty ? "" : " \(detail)")"
    }
  }

  public private(set) var entries: [Entry] = []

  public init() {}

  mutating func record(_ kind: Kind, _ object: Value, at time: SimInstant, _ detail: String = "") {
    let name = "\(object.namespace.map { $0 + "/" } ?? "")\(object.name ?? "?")"
    entries.append(Entry(seconds: time.secondsDouble, kind: kind, object: name, detail: detail, labels: object.labelStrings))
  }

  /// The fewest Ready pods matching `selector` at any moment within [from, to]. Entries of one
  /// virtual instant happen together: a pod becoming ready as another leaves is no dip.
  public func minimumReadyPods(matching selector: [String: String], from: Double = 0, to: Double = .infinity) -> Int {
    var ready: Set<String> = []
    var minimum = Int.max
    var observedInWindow = false
    let matching = entries.filter { entry in selector.allSatisfy { entry.labels[$0.key] == $0.value } }
    var index = matching.startIndex
    while index < matching.endIndex {
      let instant = matching[index].seconds
      if instant > to { break }
      while index < matching.endIndex && matching[index].seconds == instant {
        let entry = matching[index]
        switch entry.kind {
        case .ready: ready.insert(entry.object)
        case .notReady, .crashed, .terminating, .deleted, .evicted: ready.remove(entry.object)
        default: break
        }
        index += 1
      }
      if instant >= from {
        minimum = min(minimum, ready.count)
        observedInWindow = true
      }
    }
    return observedInWindow ? minimum : ready.count
  }

  public func entries(_ kind: Kind) -> [Entry] { entries.filter { $0.kind == kind } }
}

extension SimInstant {
  public var secondsDouble: Double {
    let c = sinceEpoch.components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
  }
}
