import Kube
import KubeSim
import Testing

@testable import KubeSimServer

/// The authorizer's view of a request, derived as kube-apiserver's RequestInfoFactory derives
/// it (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
@Suite("request attributes")
struct RequestAttributesTests {
  static let user = UserInfo(name: "alice")

  struct Case: Sendable, CustomTestStringConvertible {
    var method: String
    var uri: String
    var verb: String
    var group = ""
    var namespace = ""
    var resource = ""
    var subresource = ""
    var name = ""
    var path: String?
    var testDescription: String { "\(method) \(uri)" }
  }

  static let cases: [Case] = [
    Case(method: "GET", uri: "/api/v1/namespaces/llm/pods", verb: "list", namespace: "llm", resource: "pods"),
    Case(method: "GET", uri: "/api/v1/namespaces/llm/pods?watch=true&resourceVersion=5", verb: "watch", namespace: "llm", resource: "pods"),
    Case(method: "GET", uri: "/api/v1/namespaces/llm/pods?watch=1", verb: "watch", namespace: "llm", resource: "pods"),
    Case(method: "GET", uri: "/api/v1/namespaces/llm/pods/p", verb: "get", namespace: "llm", resource: "pods", name: "p"),
    Case(
      method: "GET", uri: "/api/v1/namespaces/llm/pods/p/log?follow=true", verb: "get", namespace: "llm", resource: "pods",
      subresource: "log", name: "p"),
    Case(
      method: "GET", uri: "/api/v1/namespaces/llm/pods?fieldSelector=metadata.name%3Dp&watch=true", verb: "watch", namespace: "llm",
      resource: "pods", name: "p"),
    Case(method: "GET", uri: "/api/v1/pods", verb: "list", resource: "pods"),
    Case(
      method: "POST", uri: "/apis/apps/v1/namespaces/llm/deployments", verb: "create", group: "apps", namespace: "llm",
      resource: "deployments"),
    Case(
      method: "PUT", uri: "/apis/apps/v1/namespaces/llm/deployments/vllm/scale", verb: "update", group: "apps", namespace: "llm",
      resource: "deployments", subresource: "scale", name: "vllm"),
    Case(method: "PATCH", uri: "/api/v1/nodes/gpu-1", verb: "patch", resource: "nodes", name: "gpu-1"),
    Case(method: "DELETE", uri: "/api/v1/namespaces/llm/configmaps", verb: "deletecollection", namespace: "llm", resource: "configmaps"),
    Case(method: "DELETE", uri: "/api/v1/namespaces/llm/configmaps/c", verb: "delete", namespace: "llm", resource: "configmaps", name: "c"),
    // A namespace is in its own namespace; its status and finalize are its subresources.
    Case(method: "GET", uri: "/api/v1/namespaces/llm", verb: "get", namespace: "llm", resource: "namespaces", name: "llm"),
    Case(
      method: "PUT", uri: "/api/v1/namespaces/llm/finalize", verb: "update", namespace: "llm", resource: "namespaces",
      subresource: "finalize", name: "llm"),
    Case(method: "GET", uri: "/api/v1/namespaces", verb: "list", resource: "namespaces"),
    Case(
      method: "POST", uri: "/api/v1/namespaces/llm/serviceaccounts/drift/token", verb: "create", namespace: "llm",
      resource: "serviceaccounts", subresource: "token", name: "drift"),
    Case(method: "GET", uri: "/api/v1/watch/namespaces/llm/pods", verb: "watch", namespace: "llm", resource: "pods"),
    Case(method: "GET", uri: "/version", verb: "get", path: "/version"),
    Case(method: "GET", uri: "/api", verb: "get", path: "/api"),
    Case(method: "GET", uri: "/api/v1", verb: "get", path: "/api/v1"),
    Case(method: "GET", uri: "/apis/apps/v1", verb: "get", path: "/apis/apps/v1"),
    Case(method: "GET", uri: "/openapi/v3/apis/apps/v1?hash=x", verb: "get", path: "/openapi/v3/apis/apps/v1"),
    Case(method: "POST", uri: "/healthz", verb: "post", path: "/healthz"),
  ]

  @Test(arguments: cases) func derivesAttributesAsUpstream(_ c: Case) {
    let attributes = RequestAttributes.of(APIRequest(method: c.method, uri: c.uri, headers: [], body: []), user: Self.user)
    #expect(attributes.verb == c.verb)
    if let path = c.path {
      #expect(!attributes.isResourceRequest)
      #expect(attributes.path == path)
    } else {
      #expect(attributes.isResourceRequest)
      #expect(attributes.apiGroup == c.group)
      #expect(attributes.namespace == c.namespace)
      #expect(attributes.resource == c.resource)
      #expect(attributes.subresource == c.subresource)
      #expect(attributes.name == c.name)
    }
  }

  @Test func forbiddenStatusIsUpstreams() {
    let list = RequestAttributes.of(
      APIRequest(method: "GET", uri: "/apis/apps/v1/namespaces/llm/deployments", headers: [], body: []),
      user: UserInfo(name: "system:serviceaccount:llm:drift"))
    let status = Authorization.forbidden(list, reason: "")
    #expect(status.code == 403)
    #expect(
      status.message
        == #"deployments.apps is forbidden: User "system:serviceaccount:llm:drift" cannot list resource "deployments" in API group "apps" in the namespace "llm""#
    )
    #expect(status.details == StatusDetails(group: "apps", kind: "deployments"))
    let path = RequestAttributes.of(APIRequest(method: "GET", uri: "/metrics", headers: [], body: []), user: Self.user)
    #expect(Authorization.forbidden(path, reason: "").message == #"forbidden: User "alice" cannot get path "/metrics""#)
    let named = RequestAttributes.of(
      APIRequest(method: "GET", uri: "/api/v1/namespaces/llm/secrets/s", headers: [], body: []), user: Self.user)
    #expect(
      Authorization.forbidden(named, reason: "RBAC: role.rbac.authorization.k8s.io \"r\" not found").message
        == #"secrets "s" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "llm": RBAC: role.rbac.authorization.k8s.io "r" not found"#
    )
  }

  @Test func impersonationTargetsFollowTheHeaders() throws {
    let request = APIRequest(
      method: "GET", uri: "/api/v1/pods",
      headers: [
        ("Impersonate-User", "system:serviceaccount:llm:drift"), ("Impersonate-Group", "a"), ("Impersonate-Group", "b"),
        ("Impersonate-Uid", "u-1"),
      ], body: [])
    let targets = try Impersonation.requests(request)
    #expect(targets.map(\.kind) == ["ServiceAccount", "Group", "Group", "UID"])
    #expect(targets[0].namespace == "llm")
    #expect(targets[0].name == "drift")
    let groupsOnly = APIRequest(method: "GET", uri: "/api/v1/pods", headers: [("Impersonate-Group", "a")], body: [])
    #expect(throws: KubeError.self) { try Impersonation.requests(groupsOnly) }
  }
}
