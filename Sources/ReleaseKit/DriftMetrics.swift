public import Diff
public import Foundation
public import Metrics

/// The metrics one drift check pushes to a Pushgateway, grouped under
/// `job=release_drift, environment=<env>`: a PUT replaces the group, so counts of an earlier
/// run never linger, and a failed check leaves no stale counts behind.
public enum DriftMetrics {
  public static let job = "release_drift"

  /// - Parameters:
  ///   - report: nil when the check failed.
  ///   - kinds: the kinds of the last release, so every class of every managed kind has a
  ///     sample (0 when in sync) and `sum by (class)` never goes absent.
  public static func families(environment: String, report: DriftReport?, kinds: [String], at time: Date) -> [MetricFamily] {
    var families: [MetricFamily] = []
    if let report {
      let found = Dictionary(report.counts.map { ("\($0.kind)/\($0.driftClass.rawValue)", $0.count) }, uniquingKeysWith: +)
      let allKinds = Set(kinds + report.findings.map(\.id.gvk.kind)).sorted()
      let samples = allKinds.flatMap { kind in
        DriftClass.allCases.map { driftClass in
          MetricFamily.Sample(
            labels: [("environment", environment), ("kind", kind), ("class", driftClass.rawValue)],
            value: Double(found["\(kind)/\(driftClass.rawValue)"] ?? 0))
        }
      }
      families.append(MetricFamily(
        name: "release_drift_objects", help: "Objects of the environment per kind and drift class (drifted, missing, orphaned, pending).",
        samples: samples))
    }
    families.append(MetricFamily(
      name: "release_drift_check_success", help: "1 if the last drift check ran to the end, 0 if it failed.",
      samples: [.init(labels: [("environment", environment)], value: report == nil ? 0 : 1)]))
    families.append(MetricFamily(
      name: "release_drift_last_check_timestamp_seconds", help: "When the last drift check ended, in Unix seconds.",
      samples: [.init(labels: [("environment", environment)], value: time.timeIntervalSince1970.rounded())]))
    return families
  }
}
