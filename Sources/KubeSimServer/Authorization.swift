import Foundation
import Kube
import KubeSim

/// What stands before every request, as in kube-apiserver's handler chain: authentication
/// (401 when nobody is recognised), impersonation, then the authorizer on the request's
/// attributes (403 with upstream's message when nothing allows it). Members of
/// `system:masters` are allowed without asking RBAC, so the admin's requests never wait on it.
struct Authorization: Sendable {
  let authenticator: Authenticator
  /// RBAC over the cluster's current policy objects.
  let rbac: @Sendable (AuthorizationAttributes) async -> AuthorizationDecision

  enum Admission {
    case admitted(UserInfo)
    case refused(APIResponse)
  }

  func admit(_ request: APIRequest, certificate: (user: String, groups: [String])?) async -> Admission {
    guard let requestor = await authenticator.authenticate(certificate: certificate, token: request.bearerToken) else {
      return .refused(.json(status: 401, body: Authenticator.unauthorized.object))
    }
    var user = requestor
    switch await Impersonation.apply(request, requestor: requestor, authorize: authorize) {
    case .unchanged: break
    case .impersonating(let impersonated): user = impersonated
    case .refused(let status) where status.code == 500:
      // kube-apiserver writes this one as plain text, not as a Status.
      return .refused(.text(status.message, status: 500))
    case .refused(let status):
      return .refused(.error(.status(status)))
    }
    let attributes = RequestAttributes.of(request, user: user)
    let decision = await authorize(attributes)
    guard decision.isAllowed else { return .refused(.error(.status(Self.forbidden(attributes, reason: decision.reason)))) }
    return .admitted(user)
  }

  func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision {
    if attributes.user.groups.contains(UserInfo.privilegedGroup) { return .allow(reason: "") }
    return await rbac(attributes)
  }

  /// responsewriters.Forbidden: upstream's sentence (HTML-escaped as upstream escapes it),
  /// the authorizer's reason after a colon, wrapped as apierrors.NewForbidden wraps it.
  static func forbidden(_ attributes: AuthorizationAttributes, reason: String) -> Status {
    var message = attributes.forbiddenMessage.replacingOccurrences(of: "&", with: "&amp;")
      .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    if !reason.isEmpty { message += ": " + reason }
    let resource = attributes.isResourceRequest ? attributes.resource : ""
    let group = attributes.isResourceRequest ? attributes.apiGroup : ""
    let qualified = group.isEmpty ? resource : "\(resource).\(group)"
    let full: String
    if qualified.isEmpty {
      full = "forbidden: \(message)"
    } else if attributes.name.isEmpty {
      full = "\(qualified) is forbidden: \(message)"
    } else {
      full = "\(qualified) \(GoQuote.quoted(attributes.name)) is forbidden: \(message)"
    }
    return Status(
      code: 403, reason: .forbidden, message: full,
      details: StatusDetails(
        name: attributes.name.isEmpty ? nil : attributes.name, group: group.isEmpty ? nil : group, kind: resource.isEmpty ? nil : resource))
  }
}
