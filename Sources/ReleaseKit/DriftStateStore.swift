public import Kube
internal import Manifest

/// Where drift runs remember what the previous run saw, so the webhook fires on changes only:
/// a ConfigMap `release-drift.<env>` next to the environment's release records. In the
/// cluster, not on disk: a CronJob's pods start empty, and two machines checking one
/// environment must agree on what was already announced. Written with server-side apply by
/// its own field manager, so the drift job needs only get and patch on that one name.
public struct DriftStateStore: Sendable {
  public let api: any KubeAPI
  public let namespace: String
  public let environment: String
  static let manager = "release-drift"

  public init(api: any KubeAPI, namespace: String, environment: String) {
    self.api = api
    self.namespace = namespace
    self.environment = environment
  }

  public var name: String { "release-drift.\(environment)" }
  var id: ResourceID { ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: namespace, name: name) }

  /// The previous run's fingerprint; nil when no run left one.
  public func previous() async throws(KubeError) -> String? {
    do {
      return try await api.get(id)[path: ["data", "fingerprint"]]?.stringValue
    } catch where error.isNotFound {
      return nil
    }
  }

  public func save(fingerprint: String, checkedAt: String) async throws(KubeError) {
    let object: Value = [
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["release.dev/drift-of": .string(environment)]],
      "data": ["fingerprint": .string(fingerprint), "checkedAt": .string(checkedAt)],
    ]
    _ = try await api.apply(object, options: ApplyOptions(fieldManager: Self.manager, force: true))
  }
}
