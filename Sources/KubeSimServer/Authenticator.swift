import Kube

/// Who is calling: a verified client certificate names the user (CN) and groups (O), else a
/// bearer token must belong to a configured user. Certificates are tried first, as
/// kube-apiserver does.
struct Authenticator: Sendable {
  static let adminName = "release-admin"
  static let adminGroups = ["system:masters"]

  let users: [ServerUser]
  let anonymous: ServerUser?

  init(adminToken: String, users: [ServerUser], anonymous: ServerUser?) {
    self.users = [ServerUser(name: Self.adminName, groups: Self.adminGroups, token: adminToken)] + users
    self.anonymous = anonymous
  }

  func authenticate(certificate: (user: String, groups: [String])?, token: String?) -> ServerUser? {
    if let certificate {
      let known = users.first { $0.name == certificate.user }
      return ServerUser(name: certificate.user, groups: certificate.groups, readOnly: known?.readOnly ?? false)
    }
    guard let token, !token.isEmpty else { return anonymous }
    return users.first { $0.token == token }
  }

  static let unauthorized = Status(code: 401, reason: .unauthorized, message: "Unauthorized")
}
