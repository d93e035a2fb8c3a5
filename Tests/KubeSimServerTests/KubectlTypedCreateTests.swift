import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// kubectl's typed commands send Kubernetes protobuf; the served cluster decodes every built-in
/// kind with upstream's message schemas and stores what the JSON form would have stored.
@Suite("kubectl typed commands (protobuf bodies) against KubeSimServer")
struct KubectlTypedCreateTests {
  /// Each command, what kubectl prints, and a field of the stored object that only a correct
  /// decoding gives (nested messages, maps, bytes, quantities, int-or-strings, inline structs).
  static let commands: [(arguments: [String], printed: String, object: (String, String, String?, String), path: [String], value: Value)] = [
    (["create", "namespace", "team-a"], "namespace/team-a created", ("v1", "Namespace", nil, "team-a"), ["metadata", "name"], "team-a"),
    (["create", "configmap", "model", "--from-literal=MODEL_NAME=Qwen/Qwen2.5-7B-Instruct", "--from-literal=EMPTY="], "configmap/model created",
      ("v1", "ConfigMap", "llm", "model"), ["data"], ["MODEL_NAME": "Qwen/Qwen2.5-7B-Instruct", "EMPTY": ""]),
    (["create", "secret", "generic", "hf-token", "--from-literal=token=hf_abc"], "secret/hf-token created",
      ("v1", "Secret", "llm", "hf-token"), ["data", "token"], .string(Data("hf_abc".utf8).base64EncodedString())),
    (["create", "serviceaccount", "vllm"], "serviceaccount/vllm created", ("v1", "ServiceAccount", "llm", "vllm"), ["metadata", "name"], "vllm"),
    (["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80"], "deployment.apps/web created",
      ("apps/v1", "Deployment", "llm", "web"), ["spec", "template", "spec", "containers"],
      [["name": "nginx", "image": "nginx:1.27", "ports": [["containerPort": 80]], "resources": [:]]]),
    (["create", "service", "clusterip", "web", "--tcp=80:8080"], "service/web created",
      ("v1", "Service", "llm", "web"), ["spec", "ports"], [["name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080]]),
    (["create", "job", "once", "--image=busybox", "--", "echo", "hi"], "job.batch/once created",
      ("batch/v1", "Job", "llm", "once"), ["spec", "template", "spec", "containers", "0", "command"], ["echo", "hi"]),
    (["create", "cronjob", "nightly", "--image=busybox", "--schedule=0 3 * * *", "--", "date"], "cronjob.batch/nightly created",
      ("batch/v1", "CronJob", "llm", "nightly"), ["spec", "schedule"], "0 3 * * *"),
    (["create", "role", "reader", "--verb=get,list", "--resource=pods"], "role.rbac.authorization.k8s.io/reader created",
      ("rbac.authorization.k8s.io/v1", "Role", "llm", "reader"), ["rules"], [["verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]]]),
    (["create", "rolebinding", "read", "--role=reader", "--serviceaccount=llm:vllm"], "rolebinding.rbac.authorization.k8s.io/read created",
      ("rbac.authorization.k8s.io/v1", "RoleBinding", "llm", "read"), ["subjects"], [["kind": "ServiceAccount", "name": "vllm", "namespace": "llm"]]),
    (["create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes"], "clusterrole.rbac.authorization.k8s.io/node-reader created",
      ("rbac.authorization.k8s.io/v1", "ClusterRole", nil, "node-reader"), ["rules", "0", "resources"], ["nodes"]),
    (["create", "clusterrolebinding", "alice-nodes", "--clusterrole=node-reader", "--user=alice"],
      "clusterrolebinding.rbac.authorization.k8s.io/alice-nodes created",
      ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", nil, "alice-nodes"), ["roleRef"],
      ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "node-reader"]),
    (["create", "ingress", "web", "--rule=llm.example.com/v1*=web:80"], "ingress.networking.k8s.io/web created",
      ("networking.k8s.io/v1", "Ingress", "llm", "web"), ["spec", "rules", "0", "http", "paths", "0"],
      ["path": "/v1", "pathType": "Prefix", "backend": ["service": ["name": "web", "port": ["number": 80]]]]),
    (["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=50%"], "poddisruptionbudget.policy/web created",
      ("policy/v1", "PodDisruptionBudget", "llm", "web"), ["spec", "minAvailable"], "50%"),
    (["create", "priorityclass", "inference", "--value=1000", "--description=serving"], "priorityclass.scheduling.k8s.io/inference created",
      ("scheduling.k8s.io/v1", "PriorityClass", nil, "inference"), ["value"], 1000),
    (["create", "quota", "gpus", "--hard=requests.nvidia.com/gpu=4,pods=10"], "resourcequota/gpus created",
      ("v1", "ResourceQuota", "llm", "gpus"), ["spec", "hard"], ["pods": "10", "requests.nvidia.com/gpu": "4"]),
    (["expose", "deployment", "web", "--name=web-exposed", "--port=8080", "--target-port=80"], "service/web-exposed exposed",
      ("v1", "Service", "llm", "web-exposed"), ["spec", "selector"], ["app": "web"]),
    (["run", "shell", "--image=busybox", "--env=A=B", "--labels=app=shell", "--", "sleep", "3600"], "pod/shell created",
      ("v1", "Pod", "llm", "shell"), ["spec", "containers", "0", "env"], [["name": "A", "value": "B"]]),
  ]

  @Test func everyTypedCreateIsStoredAsItsJSONWouldBe() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, _, kubectl in
      for command in Self.commands {
        let result = try await kubectl.run(command.arguments)
        #expect(result.status == 0, "kubectl \(command.arguments.joined(separator: " ")): \(result.output)")
        #expect(result.stdout == command.printed + "\n", "kubectl \(command.arguments.joined(separator: " "))")
        let (apiVersion, kind, namespace, name) = command.object
        let stored = try await server.sim.get(ResourceID(gvk: GroupVersionKind(apiVersion: apiVersion, kind: kind), namespace: namespace, name: name))
        var value: Value? = stored
        for key in command.path { value = Int(key).flatMap { value?.arrayValue?[$0] } ?? value?[key] }
        // Server defaults may add fields; what the command sent must be there as sent.
        #expect(Self.contains(value, command.value), "\(kind) \(name) at \(command.path): \(value.map(JSON.string) ?? "nil")")
      }
      let token = try await kubectl("create", "token", "vllm", "--duration=10m")
      #expect(token.status == 0, "\(token.output)")
    }
  }

  /// `expected` is in `actual`: objects by key (extra keys allowed), lists item by item, scalars equal.
  static func contains(_ actual: Value?, _ expected: Value) -> Bool {
    guard let actual else { return false }
    switch (actual, expected) {
    case (.object(let have), .object(let want)):
      return want.allSatisfy { key, value in contains(have[key], value) }
    case (.array(let have), .array(let want)):
      return have.count == want.count && zip(have, want).allSatisfy { contains($0, $1) }
    default:
      return actual == expected
    }
  }
}
