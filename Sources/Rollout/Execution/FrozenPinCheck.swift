internal import Diff
internal import Manifest

/// Refuses to roll out again a version that was rolled back, so nothing re-applies a bad
/// commit in a loop: a Deployment whose new template carries exactly the pins a rolled-back
/// record froze for it is refused until a commit changes them.
enum FrozenPinCheck {
  static func refusals(_ comparison: ClusterComparer.Result, records: [ReleaseRecord]) -> [String] {
    let rolling = Set(comparison.changeSet.objects.filter(RolloutCandidate.rolls).map(\.id))
    let frozen = records.filter { $0.status == .rolledBack && !$0.frozenPins.isEmpty }
    var reasons: [String] = []
    for object in comparison.desired {
      guard let id = object.applied.resourceID, rolling.contains(id) else { continue }
      let pins = VersionPins.of(object.applied)
      let key = VersionPins.key(id)
      guard let record = frozen.first(where: { $0.frozenPins[key] == pins }) else { continue }
      reasons.append(
        "deployment \(key): \(pins.filter { $0.hasPrefix("image ") }.map { $0.dropFirst(6) }.joined(separator: ", ")) was rolled back in revision "
          + "\(record.revision) (\(record.note)); commit a different version, or pass --unfreeze to try it again")
    }
    return reasons
  }
}
