public import Kube
internal import Manifest

/// The records of one environment: Secrets in one namespace, listed by label.
public struct ReleaseRecordStore: Sendable {
  public let api: any KubeAPI
  public let namespace: String
  public let environment: String

  public init(api: any KubeAPI, namespace: String, environment: String) {
    self.api = api
    self.namespace = namespace
    self.environment = environment
  }

  static let secretGVK = GroupVersionKind(group: "", version: "v1", kind: "Secret")

  /// Every record, newest revision first.
  public func all() async throws(RolloutError) -> [ReleaseRecord] {
    var records: [ReleaseRecord] = []
    for secret in try await recordSecrets() {
      records.append(try ReleaseRecord(secret: secret))
    }
    return records.sorted { $0.revision > $1.revision }
  }

  /// The newest record with status `deployed`, nil if none. Every record is still read, so a
  /// damaged one is an error as in `all()`, but only this one keeps its objects: a large
  /// environment's older releases would otherwise be held whole beside it.
  public func lastDeployed() async throws(RolloutError) -> ReleaseRecord? {
    var last: ReleaseRecord?
    for secret in try await recordSecrets() {
      let record = try ReleaseRecord(secret: secret)
      if record.status == .deployed, record.revision > last?.revision ?? Int.min { last = record }
    }
    return last
  }

  private func recordSecrets() async throws(RolloutError) -> [Value] {
    let secrets: [Value]
    do {
      var items: [Value] = []
      var token: String?
      repeat {
        let page = try await api.list(
          Self.secretGVK, namespace: namespace,
          options: ListOptions(labelSelector: "\(ReleaseRecord.recordLabel)=\(environment)", limit: 100, continueToken: token))
        items += page.items
        token = page.continueToken
      } while token != nil
      secrets = items
    } catch where error.isNotFound {
      return []
    } catch {
      throw RolloutError.api(error, doing: "listing the release records of \(environment) in namespace \(namespace)")
    }
    return secrets.filter { $0["type"]?.stringValue == ReleaseRecord.secretType }
  }

  public func create(_ record: ReleaseRecord) async throws(RolloutError) {
    let secret = try record.secret(namespace: namespace)
    do {
      _ = try await api.create(secret, options: WriteOptions(fieldManager: "release"))
    } catch {
      throw RolloutError.api(error, doing: "writing release record \(ReleaseRecord.secretName(environment: environment, revision: record.revision))")
    }
  }

  public func update(_ record: ReleaseRecord) async throws(RolloutError) {
    let secret = try record.secret(namespace: namespace)
    do {
      _ = try await api.update(secret, subresource: nil, options: WriteOptions(fieldManager: "release"))
    } catch {
      throw RolloutError.api(error, doing: "updating release record \(ReleaseRecord.secretName(environment: environment, revision: record.revision))")
    }
  }

  /// Deletes all but the newest `keep` records.
  public func trim(keep: Int) async throws(RolloutError) {
    let records = try await all()
    for record in records.dropFirst(max(1, keep)) {
      let name = ReleaseRecord.secretName(environment: environment, revision: record.revision)
      do {
        _ = try await api.delete(ResourceID(gvk: Self.secretGVK, namespace: namespace, name: name), options: DeleteOptions())
      } catch where error.isNotFound {
        continue
      } catch {
        throw RolloutError.api(error, doing: "deleting old release record \(name)")
      }
    }
  }
}
