import Foundation
import Kube
import Manifest
import Testing

@Suite("REST client requests")
struct RESTClientRequestTests {
  @Test func listSendsSelectorsAndPagingAndTypesTheItems() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", "/apis/apps/v1/namespaces/llm/deployments",
          [
            StubServer.reply(
              200,
              [
                "kind": "DeploymentList", "apiVersion": "apps/v1",
                "metadata": ["resourceVersion": "17", "continue": "next-page"],
                "items": [["metadata": ["name": "vllm", "namespace": "llm"]]],
              ])
          ])
      ])
    let list = try await RESTFixtures.client(server).list(
      RESTFixtures.deploymentGVK, namespace: "llm",
      options: ListOptions(
        labelSelector: "app=vllm,tier in (a,b)", fieldSelector: "metadata.name!=x", limit: 1, continueToken: "abc"))
    #expect(list.resourceVersion == "17")
    #expect(list.continueToken == "next-page")
    #expect(list.items.first?.apiVersion == "apps/v1")
    #expect(list.items.first?.kind == "Deployment")
    let query = try server.requests("GET", "/apis/apps/v1/namespaces/llm/deployments").first?["query"]?.stringValue
    #expect(
      query
        == "labelSelector=app%3Dvllm%2Ctier%20in%20%28a%2Cb%29&fieldSelector=metadata.name%21%3Dx&limit=1&continue=abc")
  }

  @Test func listWithoutNamespaceSpansTheCluster() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", "/api/v1/pods",
          [StubServer.reply(200, ["kind": "PodList", "metadata": ["resourceVersion": "3"], "items": []])])
      ])
    let list = try await RESTFixtures.client(server).list(RESTFixtures.podGVK, namespace: nil)
    #expect(list.resourceVersion == "3")
  }

  @Test func createDefaultsTheNamespaceAndSendsWriteOptions() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("POST", "/api/v1/namespaces/team-a/configmaps", [StubServer.reply(201, ["kind": "ConfigMap"])])
      ])
    let client = try RESTFixtures.client(server, namespace: "team-a")
    _ = try await client.create(
      ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]],
      options: WriteOptions(fieldManager: "release", dryRun: true))
    let seen = try #require(try server.requests("POST", "/api/v1/namespaces/team-a/configmaps").first)
    #expect(seen["query"] == "dryRun=All&fieldManager=release")
    #expect(seen[path: ["headers", "content-type"]] == "application/json")
    let body = try JSON.parse(seen["body"]?.stringValue ?? "")
    #expect(body.namespace == "team-a")
    #expect(seen[path: ["headers", "authorization"]] == "Bearer s3cr3t-token")
  }

  @Test func clusterScopedObjectsGetNoNamespace() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", "/api/v1/namespaces/llm",
          [StubServer.reply(200, ["kind": "Namespace", "apiVersion": "v1", "metadata": ["name": "llm"]])])
      ])
    let ns = try await RESTFixtures.client(server, namespace: "team-a").get(
      ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil, name: "llm"))
    #expect(ns.name == "llm")
  }

  @Test func applyIsAnApplyPatchWithManagerAndForce() async throws {
    let path = "/apis/apps/v1/namespaces/llm/deployments/vllm"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("PATCH", path, [StubServer.reply(200, ["kind": "Deployment"])])
      ])
    _ = try await RESTFixtures.client(server).apply(
      [
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"],
        "spec": ["replicas": 2],
      ],
      options: ApplyOptions(fieldManager: "release", force: true))
    let seen = try #require(try server.requests("PATCH", path).first)
    #expect(seen[path: ["headers", "content-type"]] == "application/apply-patch+yaml")
    #expect(seen["query"] == "fieldManager=release&force=true")
  }

  @Test(arguments: PatchType.allCases)
  func patchSendsItsContentType(_ type: PatchType) async throws {
    let path = "/apis/apps/v1/namespaces/llm/deployments/vllm/scale"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("PATCH", path, [StubServer.reply(200, ["kind": "Scale"])])
      ])
    let id = ResourceID(gvk: RESTFixtures.deploymentGVK, namespace: "llm", name: "vllm")
    let body: Value =
      type == .json ? [["op": "replace", "path": "/spec/replicas", "value": 3]] : ["spec": ["replicas": 3]]
    _ = try await RESTFixtures.client(server).patch(
      id, type: type, body: body, subresource: "scale", options: WriteOptions(fieldManager: "m"))
    let seen = try #require(try server.requests("PATCH", path).first)
    #expect(seen[path: ["headers", "content-type"]]?.stringValue == type.rawValue)
  }

  @Test func updateOfStatusPutsToTheSubresource() async throws {
    let path = "/apis/apps/v1/namespaces/llm/deployments/vllm/status"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("PUT", path, [StubServer.reply(200, ["kind": "Deployment"])])
      ])
    _ = try await RESTFixtures.client(server).update(
      [
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"],
        "status": ["replicas": 1],
      ],
      subresource: "status", options: WriteOptions())
    #expect(try server.requests("PUT", path).count == 1)
  }

  @Test func deleteSendsDeleteOptionsAndReadsBothReplyShapes() async throws {
    let path = "/api/v1/namespaces/default/pods/web-0"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "DELETE", path,
          [
            StubServer.reply(200, RESTFixtures.pod("web-0")),
            StubServer.reply(200, ["kind": "Status", "apiVersion": "v1", "status": "Success"]),
          ])
      ])
    let client = try RESTFixtures.client(server)
    let id = ResourceID(gvk: RESTFixtures.podGVK, namespace: nil, name: "web-0")
    let options = DeleteOptions(
      propagationPolicy: .foreground, gracePeriodSeconds: 0, dryRun: true, preconditionUID: "u1")
    let first = try await client.delete(id, options: options)
    let second = try await client.delete(id, options: options)
    #expect(first?.name == "web-0")
    #expect(second == nil)
    let body = try JSON.parse(try server.requests("DELETE", path).first?["body"]?.stringValue ?? "")
    #expect(
      body == [
        "kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0, "preconditions": ["uid": "u1"],
        "propagationPolicy": "Foreground", "dryRun": ["All"],
      ])
  }

  @Test func evictionPostsAPolicyV1Eviction() async throws {
    let path = "/api/v1/namespaces/llm/pods/vllm-1/eviction"
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "POST", path,
          [
            StubServer.reply(
              429,
              RESTFixtures.status(
                429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                details: [
                  "causes": [
                    ["reason": "DisruptionBudget", "message": "The disruption budget vllm needs 1 healthy pods"]
                  ]
                ]))
          ])
      ])
    let client = try RESTFixtures.client(server, retry: RetryPolicy(maxAttempts: 1))
    let error = await #expect(throws: KubeError.self) {
      try await client.evict(
        ResourceID(gvk: RESTFixtures.podGVK, namespace: "llm", name: "vllm-1"),
        options: DeleteOptions(gracePeriodSeconds: 30))
    }
    #expect(error?.isTooManyRequests == true)
    guard case .status(let status) = error else { return }
    #expect(status.details?.causes.first?.type == "DisruptionBudget")
    let body = try JSON.parse(try server.requests("POST", path).first?["body"]?.stringValue ?? "")
    #expect(
      body == [
        "apiVersion": "policy/v1", "kind": "Eviction", "metadata": ["name": "vllm-1", "namespace": "llm"],
        "deleteOptions": ["kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 30],
      ])
  }

  @Test func decodesInvalidWithCausesAndFallsBackToTheHTTPCode() async throws {
    let path = "/apis/apps/v1/namespaces/llm/deployments/vllm"
    let invalid = RESTFixtures.status(
      422, "Invalid", "Deployment.apps \"vllm\" is invalid: spec.replicas: Invalid value: -1",
      details: [
        "name": "vllm", "group": "apps", "kind": "Deployment",
        "causes": [["reason": "FieldValueInvalid", "message": "Invalid value: -1", "field": "spec.replicas"]],
      ])
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route("PUT", path, [StubServer.reply(422, invalid)]),
        StubServer.route("GET", path, [StubServer.reply(404, "<html>not here</html>")]),
      ])
    let client = try RESTFixtures.client(server)
    let id = ResourceID(gvk: RESTFixtures.deploymentGVK, namespace: "llm", name: "vllm")
    let putError = await #expect(throws: KubeError.self) {
      try await client.update(
        ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"]],
        subresource: nil, options: WriteOptions())
    }
    #expect(putError?.isInvalid == true)
    guard case .status(let status) = putError else { return }
    #expect(
      status.details?.causes == [
        StatusCause(type: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: -1")
      ])
    let getError = await #expect(throws: KubeError.self) { try await client.get(id) }
    #expect(getError?.isNotFound == true)
    #expect(getError?.description == "the server could not find the requested resource")
  }

  @Test func unknownKindsAreReportedAsNoMatch() async throws {
    let server = try await StubServer.start(routes: RESTFixtures.discoveryRoutes())
    let client = try RESTFixtures.client(server)
    let error = await #expect(throws: KubeError.self) {
      try await client.get(
        ResourceID(
          gvk: GroupVersionKind(group: "example.com", version: "v1", kind: "Widget"), namespace: "x", name: "w"))
    }
    #expect(error?.isNotFound == true)
  }

  @Test func discoveryListsResourcesWithSubresourcesAndCachesMappings() async throws {
    let server = try await StubServer.start(
      routes: RESTFixtures.discoveryRoutes() + [
        StubServer.route(
          "GET", "/apis/apps/v1/namespaces/llm/deployments/vllm", [StubServer.reply(200, ["kind": "Deployment"])])
      ])
    let client = try RESTFixtures.client(server)
    let resources = try await client.discovery()
    let deployments = try #require(resources.first { $0.kind == "Deployment" })
    #expect(deployments.resource == "deployments")
    #expect(deployments.namespaced)
    #expect(deployments.subresources == ["status", "scale"])
    #expect(resources.contains { $0.kind == "PodDisruptionBudget" && $0.group == "policy" })
    let id = ResourceID(gvk: RESTFixtures.deploymentGVK, namespace: "llm", name: "vllm")
    _ = try await client.get(id)
    _ = try await client.get(id)
    #expect(try server.requests("GET", "/apis/apps/v1").count == 1)
  }
}
