import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite("kubectl against KubeSimServer: discovery and authentication")
struct KubectlBasicsTests {
  @Test func getNodesOverHTTP() async throws {
    try await ServerFixtures.withServer(tls: false) { _, _, kubectl in
      let result = try await kubectl("get", "nodes")
      #expect(result.status == 0, "\(result.output)")
      let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
      #expect(lines.first == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"])
      #expect(lines.dropFirst().map { $0.first } == ["gpu-1", "gpu-2", "gpu-3"])
      #expect(lines.dropFirst().allSatisfy { $0.count > 1 && $0[1] == "Ready" })
    }
  }

  @Test func bearerTokenOverHTTPS() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .adminToken) { _, _, kubectl in
      let result = try await kubectl("get", "namespaces", "-o", "name")
      #expect(result.status == 0, "\(result.output)")
      #expect(result.stdout.contains("namespace/llm"))
    }
  }

  @Test func badTokenIsUnauthorized() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .token("not-a-valid-token")) { _, _, kubectl in
      let result = try await kubectl("get", "pods")
      #expect(result.status != 0)
      #expect(result.stderr.contains("error: You must be logged in to the server"), "\(result.output)")
    }
  }

  /// A static-token user may do what RBAC grants it: here, read everything and write nothing.
  @Test func aUserMayDoWhatRBACGrantsIt() async throws {
    let viewer = ServerUser(name: "viewer", token: "viewer-token")
    try await ServerFixtures.withServer(tls: true, credential: .token("viewer-token"), speed: 0, users: [viewer]) { server, endpoint, kubectl in
      let denied = try await kubectl("get", "nodes", "-o", "name")
      #expect(denied.stderr.contains(#"nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope"#), "\(denied.output)")
      let reader: Value = [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "reader"],
        "rules": [["apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]]],
      ]
      let binding: Value = [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "viewer-reads"],
        "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"],
        "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "viewers"], ["kind": "User", "name": "viewer"]],
      ]
      _ = try await server.sim.create(reader, options: WriteOptions())
      _ = try await server.sim.create(binding, options: WriteOptions())
      let read = try await kubectl("get", "nodes", "-o", "name")
      #expect(read.status == 0, "\(read.output)")
      let write = try await kubectl("label", "node", "gpu-1", "team=ml")
      #expect(write.status != 0)
      #expect(write.stderr.contains(#"nodes "gpu-1" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope"#), "\(write.output)")
      // A client certificate's organisation is a group: CN=someone-else, O=viewers reads too.
      let issued = try await server.issueClientCertificate(user: "someone-else", groups: ["viewers"])
      let byCertificate = try Kubectl(endpoint: endpoint, credential: .certificate(certificatePEM: issued.certificatePEM, keyPEM: issued.keyPEM))
      defer { byCertificate.remove() }
      #expect(try await byCertificate("get", "nodes", "-o", "name").status == 0)
      let certificateWrite = try await byCertificate("label", "node", "gpu-1", "team=ml")
      #expect(certificateWrite.stderr.contains(#"User "someone-else" cannot patch resource "nodes""#), "\(certificateWrite.output)")
      let node = try await server.sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Node"), namespace: nil, name: "gpu-1"))
      #expect(node.labels["team"] == nil)
    }
  }

  /// kubectl sends no credentials over plain HTTP, so tokens on HTTP are checked with a plain client.
  @Test func tokenOverHTTPIsCheckedAndMissingCredentialsAre401() async throws {
    let server = KubeSimServer(sim: KubeSim(scenario: ServerFixtures.scenario()), options: ServerOptions(tls: false))
    let endpoint = try await server.start()
    defer { Task { await server.shutdown() } }
    func get(_ token: String?) async throws -> (Int, Value) {
      var request = URLRequest(url: URL(string: endpoint.url + "/api/v1/nodes")!)
      if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
      let (data, response) = try await URLSession.shared.data(for: request)
      return ((response as? HTTPURLResponse)?.statusCode ?? 0, try JSON.parse(bytes: Array(data)))
    }
    let (okStatus, list) = try await get(endpoint.token)
    #expect(okStatus == 200)
    #expect(list["kind"] == "NodeList")
    #expect(list["items"]?.arrayValue?.count == 3)
    let (missing, status) = try await get(nil)
    #expect(missing == 401)
    #expect(status["reason"] == "Unauthorized")
    #expect(try await get("wrong").0 == 401)
  }
}
