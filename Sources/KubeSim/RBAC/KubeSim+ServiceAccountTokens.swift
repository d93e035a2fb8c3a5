public import Kube
public import Manifest

/// TokenRequest (`POST …/serviceaccounts/NAME/token`) and the authentication of the tokens it
/// issued, on the simulation's clock: a token expires when virtual time passes its
/// `expirationSeconds`, and dies with its service account or bound object, as upstream's
/// service-account token authenticator decides.
extension KubeSim {
  static let gvkServiceAccount = GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount")

  /// Records a token for the service account and answers the TokenRequest without its token,
  /// which the caller made (unguessable) and adds: the cluster keeps only `digest`.
  public func requestToken(for serviceAccount: ResourceID, request: Value, digest: String, id: String) throws(KubeError) -> Value {
    let namespace = serviceAccount.namespace ?? "default"
    let account = try cluster.api.get(ResourceID(gvk: Self.gvkServiceAccount, namespace: namespace, name: serviceAccount.name))
    let spec = request["spec"] ?? [:]
    let seconds = spec["expirationSeconds"]?.intValue ?? ServiceAccountToken.defaultExpirationSeconds
    var causes: [StatusCause] = []
    if seconds < 600 {
      causes.append(
        StatusCause(
          type: "FieldValueInvalid", field: "spec.expirationSeconds",
          message: "Invalid value: \(seconds): may not specify a duration less than 10 minutes"))
    }
    if seconds > Int64(UInt32.max) {
      causes.append(
        StatusCause(
          type: "FieldValueTooLong", field: "spec.expirationSeconds", message: "Too long: may not be more than \(UInt32.max) bytes"))
    }
    if !causes.isEmpty { throw KubeError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: "", causes: causes) }
    var audiences = (spec["audiences"]?.arrayValue ?? []).compactMap(\.stringValue)
    if audiences.isEmpty { audiences = [ServiceAccountToken.apiServerAudience] }
    let bound = try boundObject(spec["boundObjectRef"], namespace: namespace, serviceAccount: serviceAccount.name)
    let now = cluster.now
    let token = ServiceAccountToken(
      namespace: namespace, serviceAccount: serviceAccount.name, serviceAccountUID: account.uid ?? "", id: id, audiences: audiences,
      issuedAt: now, expiresAt: now.advanced(by: .seconds(seconds)), boundObject: bound)
    cluster.serviceAccountTokens = cluster.serviceAccountTokens.filter { $0.value.expiresAt > now }
    cluster.serviceAccountTokens[digest] = token
    var answer: Value = ["kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1"]
    answer["metadata"] = request["metadata"] ?? [:]
    var answeredSpec = spec
    answeredSpec["audiences"] = .array(audiences.map(Value.string))
    answeredSpec["expirationSeconds"] = .int(seconds)
    answer["spec"] = answeredSpec
    answer["status"] = ["expirationTimestamp": .string(token.expiresAt.rfc3339)]
    return answer
  }

  /// Who a token with this digest authenticates as, if it is known, meant for the API server,
  /// not expired, and its service account (and bound object) still the ones it was issued for.
  public func authenticateServiceAccountToken(digest: String) -> UserInfo? {
    guard let token = cluster.serviceAccountTokens[digest], cluster.now < token.expiresAt,
      token.audiences.contains(ServiceAccountToken.apiServerAudience)
    else { return nil }
    let accountID = ResourceID(gvk: Self.gvkServiceAccount, namespace: token.namespace, name: token.serviceAccount)
    guard let account = cluster.api.store.get(accountID), account.uid == token.serviceAccountUID, !account.isTerminating else { return nil }
    var extra: [String: [String]] = ["authentication.kubernetes.io/credential-id": ["JTI=\(token.id)"]]
    if let bound = token.boundObject {
      let id = ResourceID(
        gvk: GroupVersionKind(group: "", version: "v1", kind: bound.kind), namespace: bound.kind == "Node" ? nil : token.namespace,
        name: bound.name)
      guard let object = cluster.api.store.get(id), object.uid == bound.uid, !object.isTerminating else { return nil }
      if bound.kind == "Pod" {
        extra["authentication.kubernetes.io/pod-name"] = [bound.name]
        extra["authentication.kubernetes.io/pod-uid"] = [bound.uid]
      }
    }
    return UserInfo.serviceAccount(namespace: token.namespace, name: token.serviceAccount, uid: token.serviceAccountUID, extra: extra)
  }

  /// upstream's checks of a TokenRequest's boundObjectRef: a Pod of this service account, a
  /// Secret or a Node that exists (with the uid given, if any).
  private func boundObject(_ reference: Value?, namespace: String, serviceAccount: String) throws(KubeError) -> ServiceAccountToken
    .BoundObject?
  {
    guard let reference, let kind = reference["kind"]?.stringValue, !kind.isEmpty else { return nil }
    let apiVersion = reference["apiVersion"]?.stringValue ?? ""
    let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
    let name = reference["name"]?.stringValue ?? ""
    guard gvk.group.isEmpty, ["Pod", "Secret", "Node"].contains(kind) else {
      throw KubeError.badRequest("cannot bind token to object of type \(gvk.group)/\(gvk.version), Kind=\(kind)")
    }
    let object = try cluster.api.get(
      ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: kind), namespace: kind == "Node" ? nil : namespace, name: name))
    if kind == "Pod", (object[path: ["spec", "serviceAccountName"]]?.stringValue ?? "default") != serviceAccount {
      throw KubeError.badRequest(
        "cannot bind token for serviceaccount \(GoQuote.quoted(serviceAccount)) to pod running with different serviceaccount name.")
    }
    let uid = object.uid ?? ""
    if let wanted = reference["uid"]?.stringValue, !wanted.isEmpty, wanted != uid {
      throw KubeError.conflict(
        kind, group: "", name: name,
        message:
          "the UID in the bound object reference (\(wanted)) does not match the UID in record. The object might have been deleted and then recreated"
      )
    }
    return ServiceAccountToken.BoundObject(kind: kind, name: name, uid: uid)
  }
}
