import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// The API's own description: kubectl reads upstream's schemas from `/openapi/v3` (explain, and
/// whether the server validates fields) and `/openapi/v2` (client-side validation of `List` files).
@Suite("kubectl explain and validation against KubeSimServer")
struct KubectlOpenAPITests {
  @Test func explainDescribesAFieldFromUpstreamsSchema() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, _, kubectl in
      let explain = try await kubectl.expectSuccess("explain", "deployment.spec.strategy")
      #expect(explain.stdout.contains("GROUP:      apps"), "\(explain.stdout)")
      #expect(explain.stdout.contains("KIND:       Deployment"))
      #expect(explain.stdout.contains("VERSION:    v1"))
      #expect(explain.stdout.contains("FIELD: strategy <DeploymentStrategy>"))
      #expect(explain.stdout.contains("DeploymentStrategy describes how to replace existing pods with new ones."))
      #expect(explain.stdout.contains("rollingUpdate\t<RollingUpdateDeployment>"))
      #expect(explain.stdout.contains("type\t<string>"))

      let containers = try await kubectl.expectSuccess("explain", "pods.spec.containers.resources.limits")
      #expect(containers.stdout.contains("FIELD: limits <map[string]Quantity>"), "\(containers.stdout)")

      let rbac = try await kubectl.expectSuccess("explain", "clusterrolebinding.roleRef", "--recursive")
      #expect(rbac.stdout.contains("apiGroup\t<string> -required-"), "\(rbac.stdout)")
    }
  }

  /// kubectl validates strictly by default; the server's documents say it honours
  /// `fieldValidation`, so kubectl asks it to, and the server answers as kube-apiserver does.
  @Test func unknownFieldsAreRefusedUnderStrictValidation() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, _, kubectl in
      let typo = ServerFixtures.app().replacingOccurrences(of: "  replicas: 1", with: "  replicaz: 1")
      let file = try kubectl.file("typo.yaml", typo)
      let refused = try await kubectl("apply", "-f", file)
      #expect(refused.status != 0)
      #expect(
        refused.stderr.contains(#"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz""#),
        "\(refused.output)")
      await #expect(throws: KubeError.self) { try await server.sim.get(ServerFixtures.deploymentID) }

      // The port's list item gains a key: same indentation as its first key.
      let lines = ServerFixtures.app().split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [Substring] in
        guard line.hasSuffix("- containerPort: 8000") else { return [line] }
        return [line, Substring(String(repeating: " ", count: line.prefix { $0 == " " }.count + 2) + "hostname: x")]
      }
      let deep = try await kubectl("create", "-f", try kubectl.file("deep.yaml", lines.joined(separator: "\n")))
      #expect(deep.stderr.contains(#"unknown field "spec.template.spec.containers[0].ports[0].hostname""#), "\(deep.output)")

      let warned = try await kubectl("apply", "--validate=warn", "-f", file)
      #expect(warned.status == 0, "\(warned.output)")
      #expect(warned.stderr.contains(#"Warning: unknown field "spec.replicaz""#), "\(warned.output)")

      // `kubectl patch` sends no fieldValidation: the server's default, Warn.
      let patched = try await kubectl("patch", "deployment", "vllm", "--type=merge", "-p", #"{"spec":{"paused":true,"pausd":true}}"#)
      #expect(patched.status == 0, "\(patched.output)")
      #expect(patched.stderr.contains(#"Warning: unknown field "spec.pausd""#), "\(patched.output)")

      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("app.yaml", ServerFixtures.app()))
    }
  }

  /// A `kind: List` file is validated by kubectl itself, item by item, against `/openapi/v2`
  /// (which it reads in gnostic's protobuf form).
  @Test func applyingAListFileValidatesEachItem() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, _, kubectl in
      let list: Value = [
        "apiVersion": "v1", "kind": "List",
        "items": [
          ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "model"], "data": ["MODEL_NAME": "Qwen/Qwen2.5-7B-Instruct"]],
          ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "vllm"]],
        ],
      ]
      let applied = try await kubectl("apply", "-f", try kubectl.file("list.json", JSON.prettyString(list)))
      #expect(applied.status == 0, "\(applied.output)")
      #expect(applied.stdout.contains("configmap/model created"))
      #expect(applied.stdout.contains("serviceaccount/vllm created"))
      let stored = try await server.sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "llm", name: "model"))
      #expect(stored[path: ["data", "MODEL_NAME"]] == "Qwen/Qwen2.5-7B-Instruct")

      var invalid = list
      invalid[path: ["items"]] = [["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "bad"], "dta": ["a": "1"]]]
      let refused = try await kubectl("apply", "-f", try kubectl.file("invalid.json", JSON.prettyString(invalid)))
      #expect(refused.status != 0)
      #expect(refused.stderr.contains(#"unknown field "dta" in io.k8s.api.core.v1.ConfigMap"#), "\(refused.output)")
    }
  }

  /// Other clients get the same documents as JSON.
  @Test func servesBothDocumentsAsJSON() async throws {
    try await ServerFixtures.withServer(tls: true, speed: 0) { _, endpoint, _ in
      func get(_ path: String) async throws -> Value {
        try JSON.parse(try await Curl.run(endpoint, path, token: endpoint.token, extra: ["-H", "Accept: application/json"]).output)
      }
      let v2 = try await get("/openapi/v2")
      #expect(v2["swagger"] == "2.0")
      #expect((v2["definitions"]?.objectValue?.count ?? 0) > 600)
      #expect(v2[path: ["definitions", "io.k8s.api.apps.v1.DeploymentStrategy", "properties", "rollingUpdate", "$ref"]] == "#/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment")
      let root = try await get("/openapi/v3")
      let apps = try #require(root[path: ["paths", "apis/apps/v1", "serverRelativeURL"]]?.stringValue)
      let document = try await get(apps)
      #expect(document[path: ["components", "schemas", "io.k8s.api.apps.v1.Deployment", "x-kubernetes-group-version-kind"]] != nil)
      #expect(document[path: ["components", "schemas", "io.k8s.api.apps.v1.DeploymentSpec", "properties", "strategy", "allOf"]] == [["$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"]])
    }
  }
}
