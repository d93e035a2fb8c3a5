internal import Manifest

/// What one drift check found in one environment, in a deterministic order (class, then
/// object identity). Secret values never appear in it: fields of Secrets carry no values.
public struct DriftReport: Sendable, Equatable {
  public var environment: String
  /// The release drift is measured against: nil when the environment was never deployed.
  public var revision: Int?
  public var commit: String?
  public var findings: [DriftFinding]
  /// Objects of the last release that were compared.
  public var checked: Int

  public init(environment: String, revision: Int?, commit: String?, findings: [DriftFinding], checked: Int) {
    self.environment = environment
    self.revision = revision
    self.commit = commit
    self.findings = findings.sorted { ($0.driftClass, $0.id) < ($1.driftClass, $1.id) }
    self.checked = checked
  }

  public func findings(_ driftClass: DriftClass) -> [DriftFinding] { findings.filter { $0.driftClass == driftClass } }

  /// Whether the cluster moved away from the last release. Pending changes count only when
  /// asked (`--include-pending`): git moving ahead is how releases begin, not drift.
  public func hasDrift(includingPending: Bool = false) -> Bool {
    findings.contains { $0.driftClass != .pending || includingPending }
  }

  /// Counts per (kind, class), for metrics; sorted.
  public var counts: [(kind: String, driftClass: DriftClass, count: Int)] {
    var table: [String: [DriftClass: Int]] = [:]
    for finding in findings { table[finding.id.gvk.kind, default: [:]][finding.driftClass, default: 0] += 1 }
    return table.keys.sorted().flatMap { kind in
      (table[kind] ?? [:]).sorted { $0.key < $1.key }.map { (kind, $0.key, $0.value) }
    }
  }
}
