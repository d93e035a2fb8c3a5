/// Who a request acts as, after authentication and impersonation: what RBAC subjects match
/// (`User` by name, `Group` by group, `ServiceAccount` by the `system:serviceaccount:` name).
public struct UserInfo: Sendable, Hashable {
  public var name: String
  public var uid: String
  public var groups: [String]
  /// Extra attributes an authenticator adds (a token's credential id), as `kubectl auth whoami` shows them.
  public var extra: [String: [String]]

  public init(name: String, uid: String = "", groups: [String] = [], extra: [String: [String]] = [:]) {
    self.name = name
    self.uid = uid
    self.groups = groups
    self.extra = extra
  }

  public static let allAuthenticated = "system:authenticated"
  public static let allUnauthenticated = "system:unauthenticated"
  public static let anonymous = "system:anonymous"
  /// Members are allowed everything, before RBAC is asked (kube-apiserver's privileged group).
  public static let privilegedGroup = "system:masters"
  public static let serviceAccountPrefix = "system:serviceaccount:"
  public static let allServiceAccountsGroup = "system:serviceaccounts"

  /// A service account's identity, as its tokens authenticate it.
  public static func serviceAccount(namespace: String, name: String, uid: String = "", extra: [String: [String]] = [:]) -> UserInfo {
    UserInfo(
      name: serviceAccountName(namespace: namespace, name: name), uid: uid,
      groups: serviceAccountGroups(namespace: namespace) + [allAuthenticated], extra: extra)
  }

  public static func serviceAccountName(namespace: String, name: String) -> String {
    serviceAccountPrefix + namespace + ":" + name
  }

  public static func serviceAccountGroups(namespace: String) -> [String] {
    [allServiceAccountsGroup, allServiceAccountsGroup + ":" + namespace]
  }

  /// Namespace and name of a `system:serviceaccount:NS:NAME` user name; nil for any other
  /// name (upstream's serviceaccount.SplitUsername).
  public static func splitServiceAccount(_ username: String) -> (namespace: String, name: String)? {
    guard username.hasPrefix(serviceAccountPrefix) else { return nil }
    let parts = username.dropFirst(serviceAccountPrefix.count).split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    return (String(parts[0]), String(parts[1]))
  }

  /// Upstream adds `system:authenticated` to every authenticated user that does not already
  /// say it is (or is not) authenticated.
  public func addingAuthenticatedGroup() -> UserInfo {
    if name == Self.anonymous || groups.contains(Self.allAuthenticated) || groups.contains(Self.allUnauthenticated) { return self }
    var copy = self
    copy.groups.append(Self.allAuthenticated)
    return copy
  }
}
