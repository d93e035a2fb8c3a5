internal import Diff
internal import Foundation
public import Manifest

/// How a record is stored: a Secret `release.<environment>.v<revision>` of type
/// `release.dev/record.v1`, labelled for listing, its body zlib-compressed JSON under `record`.
/// Secrets because records hold rendered Secrets too, and RBAC already guards them.
extension ReleaseRecord {
  public static let secretType = "release.dev/record.v1"
  public static let recordLabel = "release.dev/record-of"
  public static let revisionLabel = "release.dev/revision"
  public static let statusLabel = "release.dev/status"
  /// Kubernetes refuses objects above 1 MiB (etcd's request limit is 1.5 MiB; Secrets are capped at 1 MiB of data).
  public static let objectLimit = 1_048_576

  public static func secretName(environment: String, revision: Int) -> String { "release.\(environment).v\(revision)" }

  public func secret(namespace: String) throws(RolloutError) -> Value {
    let body = Array(JSON.string(bodyValue).utf8)
    let compressed = RecordCodec.compress(body)
    let encoded = Data(compressed).base64EncodedString()
    // Base64 grows it by a third; leave room for metadata.
    if encoded.utf8.count > Self.objectLimit - 16_384 {
      throw RolloutError.recordTooLarge(
        environment: environment, bytes: encoded.utf8.count, limit: Self.objectLimit, objects: objects.count)
    }
    return [
      "apiVersion": "v1", "kind": "Secret",
      "metadata": [
        "name": .string(Self.secretName(environment: environment, revision: revision)), "namespace": .string(namespace),
        "labels": [
          .init(Self.recordLabel): .string(environment), .init(Self.revisionLabel): .string(String(revision)),
          .init(Self.statusLabel): .string(status.rawValue),
        ],
      ],
      "type": .string(Self.secretType),
      "data": ["record": .string(encoded)],
    ]
  }

  var bodyValue: Value {
    var value = summary
    value["takeovers"] = .array(takeovers.keys.sorted().map { id in
      ["apiVersion": .string(id.gvk.apiVersion), "kind": .string(id.gvk.kind), "namespace": id.namespace.map(Value.string) ?? .null,
       "name": .string(id.name),
       "fields": .array((takeovers[id] ?? []).map { ["field": .string($0.field), "manager": .string($0.manager)] })]
    })
    value["objects"] = .array(objects)
    return value
  }

  /// Reads a record Secret back; throws naming the Secret when it is not one of ours or is damaged.
  public init(secret: Value) throws(RolloutError) {
    let name = secret.name ?? "?"
    guard let encoded = secret[path: ["data", "record"]]?.stringValue, let compressed = Data(base64Encoded: encoded),
      let bytes = RecordCodec.decompress(Array(compressed))
    else { throw RolloutError.corruptRecord(name: name, reason: "no readable data.record") }
    let body: Value
    do {
      body = try JSON.parse(bytes: bytes, file: name)
    } catch {
      throw RolloutError.corruptRecord(name: name, reason: "\(error)")
    }
    guard let environment = body["environment"]?.stringValue, let revision = body["revision"]?.intValue,
      let status = body["status"]?.stringValue.flatMap(ReleaseStatus.init(rawValue:)),
      let started = Self.date(body["startedAt"]?.stringValue)
    else { throw RolloutError.corruptRecord(name: name, reason: "missing environment, revision, status or startedAt") }
    var takeovers: [ResourceID: [Takeover]] = [:]
    for entry in body["takeovers"]?.arrayValue ?? [] {
      guard let kind = entry["kind"]?.stringValue, let objectName = entry["name"]?.stringValue else { continue }
      let id = ResourceID(
        gvk: GroupVersionKind(apiVersion: entry["apiVersion"]?.stringValue ?? "v1", kind: kind),
        namespace: entry["namespace"]?.stringValue, name: objectName)
      takeovers[id] = (entry["fields"]?.arrayValue ?? []).compactMap { field in
        guard let f = field["field"]?.stringValue, let m = field["manager"]?.stringValue else { return nil }
        return Takeover(manager: m, field: f)
      }
    }
    // The label is what a list selects by; the body is what we trust for everything else.
    let labelled = secret[path: ["metadata", "labels", Self.statusLabel]]?.stringValue.flatMap(ReleaseStatus.init(rawValue:))
    self.init(
      environment: environment, revision: Int(revision), status: labelled ?? status, commit: body["commit"]?.stringValue,
      dirty: body["dirty"]?.boolValue ?? false, manifestDigest: body["manifestDigest"]?.stringValue ?? "",
      startedAt: started, finishedAt: Self.date(body["finishedAt"]?.stringValue), appliedBy: body["appliedBy"]?.stringValue ?? "",
      takeovers: takeovers, note: body["note"]?.stringValue ?? "", objects: body["objects"]?.arrayValue ?? [])
    for (deployment, pins) in body["frozenPins"]?.objectValue ?? [:] {
      frozenPins[deployment] = (pins.arrayValue ?? []).compactMap(\.stringValue)
    }
  }
}
