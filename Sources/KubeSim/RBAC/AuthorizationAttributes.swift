/// What an authorizer decides on: who asks, the verb, and either a resource (group,
/// resource, subresource, namespace, name) or a non-resource path. Built from an HTTP
/// request as kube-apiserver's RequestInfoFactory builds it, or from an access review's spec.
public struct AuthorizationAttributes: Sendable, Hashable {
  public var user: UserInfo
  public var verb: String
  public var isResourceRequest: Bool
  public var namespace: String
  public var apiGroup: String
  public var apiVersion: String
  public var resource: String
  public var subresource: String
  public var name: String
  /// The request path, for non-resource requests (`/version`, `/healthz`).
  public var path: String

  public init(
    user: UserInfo, verb: String, namespace: String = "", apiGroup: String = "", apiVersion: String = "", resource: String,
    subresource: String = "", name: String = ""
  ) {
    self.user = user
    self.verb = verb
    isResourceRequest = true
    self.namespace = namespace
    self.apiGroup = apiGroup
    self.apiVersion = apiVersion
    self.resource = resource
    self.subresource = subresource
    self.name = name
    path = ""
  }

  public init(user: UserInfo, verb: String, path: String) {
    self.user = user
    self.verb = verb
    isResourceRequest = false
    namespace = ""
    apiGroup = ""
    apiVersion = ""
    resource = ""
    subresource = ""
    name = ""
    self.path = path
  }

  /// upstream's forbiddenMessage: the sentence after "is forbidden: ".
  public var forbiddenMessage: String {
    let who = "User \(GoQuote.quoted(user.name)) cannot \(verb)"
    guard isResourceRequest else { return "\(who) path \(GoQuote.quoted(path))" }
    let combined = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
    let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \(GoQuote.quoted(namespace))"
    return "\(who) resource \(GoQuote.quoted(combined)) in API group \(GoQuote.quoted(apiGroup)) \(scope)"
  }
}
