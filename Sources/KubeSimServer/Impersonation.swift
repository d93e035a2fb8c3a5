import Foundation
import Kube
import KubeSim

/// `Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-*`
/// (what `kubectl --as`, `--as-group`, `--as-uid` send), as kube-apiserver's impersonation
/// filter handles them: the caller must be allowed the `impersonate` verb on each thing it
/// asks to be (users, groups, serviceaccounts in their namespace, uids, userextras), and the
/// request then runs as that user. A service account impersonated without groups gets its
/// own; anyone but `system:anonymous` gets `system:authenticated` unless a group says otherwise.
enum Impersonation {
  struct Target {
    var kind: String
    var namespace = ""
    var name: String
    var apiGroup = ""
    /// The extra's key, for `userextras`.
    var fieldPath = ""
  }

  enum Outcome {
    case unchanged
    case impersonating(UserInfo)
    case refused(Status)
  }

  static func apply(
    _ request: APIRequest, requestor: UserInfo, authorize: (AuthorizationAttributes) async -> AuthorizationDecision
  ) async -> Outcome {
    let targets: [Target]
    do {
      targets = try requests(request)
    } catch {
      return .refused(APIResponse.status(of: error))
    }
    if targets.isEmpty { return .unchanged }
    let groupsSpecified = !(request.headerValues["impersonate-group"] ?? []).isEmpty
    var username = ""
    var uid = ""
    var groups: [String] = []
    var extra: [String: [String]] = [:]
    for target in targets {
      var attributes = AuthorizationAttributes(
        user: requestor, verb: "impersonate", namespace: target.namespace, apiGroup: target.apiGroup, resource: "", name: target.name)
      switch target.kind {
      case "ServiceAccount":
        attributes.resource = "serviceaccounts"
        username = UserInfo.serviceAccountName(namespace: target.namespace, name: target.name)
        if !groupsSpecified { groups = UserInfo.serviceAccountGroups(namespace: target.namespace) }
      case "User":
        attributes.resource = "users"
        username = target.name
      case "Group":
        attributes.resource = "groups"
        groups.append(target.name)
      case "UserExtra":
        attributes.resource = "userextras"
        attributes.subresource = target.fieldPath
        extra[target.fieldPath, default: []].append(target.name)
      default:
        attributes.resource = "uids"
        uid = target.name
      }
      let decision = await authorize(attributes)
      if !decision.isAllowed { return .refused(Authorization.forbidden(attributes, reason: decision.reason)) }
    }
    if username != UserInfo.anonymous {
      if !groups.contains(UserInfo.allAuthenticated) && !groups.contains(UserInfo.allUnauthenticated) {
        groups.append(UserInfo.allAuthenticated)
      }
    } else if !groups.contains(UserInfo.allUnauthenticated) {
      groups.append(UserInfo.allUnauthenticated)
    }
    return .impersonating(UserInfo(name: username, uid: uid, groups: groups, extra: extra))
  }

  /// upstream's buildImpersonationRequests: one target per header value, in its order.
  static func requests(_ request: APIRequest) throws(KubeError) -> [Target] {
    var targets: [Target] = []
    let user = request.headers["impersonate-user"] ?? ""
    if !user.isEmpty {
      if let account = UserInfo.splitServiceAccount(user) {
        targets.append(Target(kind: "ServiceAccount", namespace: account.namespace, name: account.name))
      } else {
        targets.append(Target(kind: "User", name: user))
      }
    }
    let groups = request.headerValues["impersonate-group"] ?? []
    for group in groups { targets.append(Target(kind: "Group", name: group)) }
    var hasExtra = false
    for (header, values) in request.headerValues.sorted(by: { $0.key < $1.key }) where header.hasPrefix("impersonate-extra-") {
      hasExtra = true
      let key =
        String(header.dropFirst("impersonate-extra-".count)).removingPercentEncoding ?? String(header.dropFirst("impersonate-extra-".count))
      for value in values { targets.append(Target(kind: "UserExtra", name: value, apiGroup: "authentication.k8s.io", fieldPath: key)) }
    }
    let uid = request.headers["impersonate-uid"] ?? ""
    if !uid.isEmpty { targets.append(Target(kind: "UID", name: uid, apiGroup: "authentication.k8s.io")) }
    if (!groups.isEmpty || hasExtra || !uid.isEmpty) && user.isEmpty {
      // Go's %v of the []ObjectReference: each as {Kind Namespace Name UID APIVersion ResourceVersion FieldPath}.
      let listed = targets.map { target in
        let version = target.apiGroup.isEmpty ? "" : "\(target.apiGroup)/v1"
        return "{\(target.kind) \(target.namespace) \(target.name)  \(version)  \(target.fieldPath)}"
      }.joined(separator: " ")
      let message = "Internal Server Error: \(GoQuote.quoted(request.uri)): requested [\(listed)] without impersonating a user"
      throw KubeError.internalError(message)
    }
    return targets
  }
}
