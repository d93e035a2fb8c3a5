public import Diff
public import Foundation
public import Manifest

/// One apply of an environment, kept in the cluster as Helm keeps its releases: who ran it, from
/// which commit, what it applied, and how it ended.
public struct ReleaseRecord: Sendable, Equatable {
  public var environment: String
  public var revision: Int
  public var status: ReleaseStatus
  /// The environment repo's HEAD when applied, and whether its working tree had changes.
  public var commit: String?
  public var dirty: Bool
  /// sha256 of the applied objects (JSON, in apply order).
  public var manifestDigest: String
  public var startedAt: Date
  public var finishedAt: Date?
  /// user@host (pid N).
  public var appliedBy: String
  public var takeovers: [ResourceID: [Takeover]]
  /// What happened, in a line: "applied 7 objects", "interrupted; superseded by revision 4".
  public var note: String
  /// The objects as applied (tracking label included).
  public var objects: [Value]
  /// After an automatic rollback: each rolled-back Deployment (`ns/name`) and the pins of the
  /// version that failed, refused until a commit changes them.
  public var frozenPins: [String: [String]] = [:]

  public init(
    environment: String, revision: Int, status: ReleaseStatus, commit: String?, dirty: Bool, manifestDigest: String,
    startedAt: Date, finishedAt: Date?, appliedBy: String, takeovers: [ResourceID: [Takeover]], note: String, objects: [Value]
  ) {
    self.environment = environment
    self.revision = revision
    self.status = status
    self.commit = commit
    self.dirty = dirty
    self.manifestDigest = manifestDigest
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.appliedBy = appliedBy
    self.takeovers = takeovers
    self.note = note
    self.objects = objects
  }

  /// Whether this release ran to the end and served (it may have been replaced since): a
  /// record a rollback may go back to. Interrupted applies are superseded without serving.
  public var wasDeployed: Bool {
    status == .deployed || (status == .superseded && finishedAt != nil && !note.hasPrefix("interrupted"))
  }

  /// The summary `history -o json` prints (objects left out: they are in the cluster).
  public var summary: Value {
    var value: Value = [
      "environment": .string(environment), "revision": .int(Int64(revision)), "status": .string(status.rawValue),
      "commit": commit.map(Value.string) ?? .null, "dirty": .bool(dirty), "manifestDigest": .string(manifestDigest),
      "startedAt": .string(Self.timestamp(startedAt)), "finishedAt": finishedAt.map { .string(Self.timestamp($0)) } ?? .null,
      "appliedBy": .string(appliedBy), "objects": .int(Int64(objects.count)), "note": .string(note),
    ]
    if !frozenPins.isEmpty {
      value["frozenPins"] = .object(.init(uniqueKeysWithValues: frozenPins.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(Value.string))) }))
    }
    value["takeovers"] = .array(takeovers.keys.sorted().flatMap { id in
      (takeovers[id] ?? []).map { ["object": .string(id.description), "field": .string($0.field), "manager": .string($0.manager)] as Value }
    })
    return value
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  static func date(_ text: String?) -> Date? {
    guard let text else { return nil }
    return ISO8601DateFormatter().date(from: text)
  }
}
