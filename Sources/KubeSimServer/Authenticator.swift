import Crypto
import Foundation
import Kube
import KubeSim

/// Who is calling, in kube-apiserver's order: a verified client certificate names the user
/// (CN) and groups (O); else a bearer token must be a configured user's or one that
/// TokenRequest issued (a service account's, looked up by digest in the cluster, so it
/// survives a restart and expires on virtual time); else the configured anonymous user, if
/// any. Every authenticated user is also in `system:authenticated`.
struct Authenticator: Sendable {
  static let adminName = "release-admin"
  static let adminGroups = ["system:masters"]

  let users: [ServerUser]
  let anonymous: ServerUser?
  /// The service account a TokenRequest token (by its digest) authenticates as, if it still does.
  let serviceAccountToken: @Sendable (String) async -> UserInfo?

  init(adminToken: String, users: [ServerUser], anonymous: ServerUser?, serviceAccountToken: @escaping @Sendable (String) async -> UserInfo?) {
    self.users = [ServerUser(name: Self.adminName, groups: Self.adminGroups, token: adminToken)] + users
    self.anonymous = anonymous
    self.serviceAccountToken = serviceAccountToken
  }

  func authenticate(certificate: (user: String, groups: [String])?, token: String?) async -> UserInfo? {
    if let certificate {
      return UserInfo(name: certificate.user, groups: certificate.groups).addingAuthenticatedGroup()
    }
    guard let token, !token.isEmpty else { return anonymous.map(Self.info) }
    if let user = users.first(where: { $0.token == token }) { return Self.info(user) }
    return await serviceAccountToken(Self.digest(token))
  }

  static func info(_ user: ServerUser) -> UserInfo { UserInfo(name: user.name, groups: user.groups).addingAuthenticatedGroup() }

  /// SHA-256 of the token, hex: what the cluster keeps instead of the token.
  static func digest(_ token: String) -> String {
    SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  static let unauthorized = Status(code: 401, reason: .unauthorized, message: "Unauthorized")
}
