import Kube
import Manifest

/// A token issued by TokenRequest (`kubectl create token`): whose it is, for whom (audiences),
/// until when on the simulation's clock, and the object it is bound to, if any. The cluster
/// keeps only the token's digest, so its state file never holds a usable credential.
public struct ServiceAccountToken: Sendable, Hashable {
  public var namespace: String
  public var serviceAccount: String
  /// The service account's uid when issued: a token outlives neither its account nor a
  /// recreated account of the same name.
  public var serviceAccountUID: String
  /// The token's id (a JWT's `jti`), shown as the `authentication.kubernetes.io/credential-id` extra.
  public var id: String
  public var audiences: [String]
  public var issuedAt: SimInstant
  public var expiresAt: SimInstant
  /// The Pod, Secret or Node the token lives no longer than (`--bound-object-kind`).
  public var boundObject: BoundObject?

  public struct BoundObject: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var uid: String
  }

  /// The API server's own audience: a token requested for other audiences does not
  /// authenticate to it.
  public static let apiServerAudience = "https://kubernetes.default.svc.cluster.local"

  /// A TokenRequest's `expirationSeconds` when it names none (upstream's default, one hour).
  public static let defaultExpirationSeconds: Int64 = 3600

  var value: Value {
    var v: Value = [
      "namespace": .string(namespace), "serviceAccount": .string(serviceAccount), "serviceAccountUID": .string(serviceAccountUID),
      "id": .string(id), "audiences": .array(audiences.map(Value.string)), "issuedAt": SimSnapshot.instant(issuedAt),
      "expiresAt": SimSnapshot.instant(expiresAt),
    ]
    if let bound = boundObject { v["boundObject"] = ["kind": .string(bound.kind), "name": .string(bound.name), "uid": .string(bound.uid)] }
    return v
  }

  init(
    namespace: String, serviceAccount: String, serviceAccountUID: String, id: String, audiences: [String], issuedAt: SimInstant,
    expiresAt: SimInstant, boundObject: BoundObject?
  ) {
    self.namespace = namespace
    self.serviceAccount = serviceAccount
    self.serviceAccountUID = serviceAccountUID
    self.id = id
    self.audiences = audiences
    self.issuedAt = issuedAt
    self.expiresAt = expiresAt
    self.boundObject = boundObject
  }

  init(_ value: Value) throws(SimStateError) {
    func text(_ key: String) throws(SimStateError) -> String {
      guard let text = value[key]?.stringValue else { throw SimStateError(message: "serviceAccountTokens: \(key) is missing") }
      return text
    }
    namespace = try text("namespace")
    serviceAccount = try text("serviceAccount")
    serviceAccountUID = try text("serviceAccountUID")
    id = try text("id")
    audiences = (value["audiences"]?.arrayValue ?? []).compactMap(\.stringValue)
    issuedAt = try SimSnapshot.instantValue(value["issuedAt"], "serviceAccountTokens.issuedAt")
    expiresAt = try SimSnapshot.instantValue(value["expiresAt"], "serviceAccountTokens.expiresAt")
    boundObject = value["boundObject"].map {
      BoundObject(kind: $0["kind"]?.stringValue ?? "", name: $0["name"]?.stringValue ?? "", uid: $0["uid"]?.stringValue ?? "")
    }
  }
}
