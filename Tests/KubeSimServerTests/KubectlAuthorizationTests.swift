import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// RBAC on the served cluster, driven by the real kubectl: service-account tokens from
/// `kubectl create token`, impersonation with `--as`, and `kubectl auth can-i` (also `--list`)
/// answered by the same authorizer that refuses requests with upstream's 403.
@Suite("kubectl against KubeSimServer: RBAC")
struct KubectlAuthorizationTests {
  static let serviceAccount = """
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: drift
      namespace: llm
    """

  /// What the drift CronJob needs: read Deployments in its namespace, nothing more.
  static let readDeployments = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: deployment-reader
      namespace: llm
    rules:
    - apiGroups: [apps]
      resources: [deployments]
      verbs: [get, list, watch]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: drift-reads-deployments
      namespace: llm
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: Role
      name: deployment-reader
    subjects:
    - kind: ServiceAccount
      name: drift
    """

  static let driftUser = "system:serviceaccount:llm:drift"

  @Test func canIAnswersNoBeforeAndYesAfterARoleBinding() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, _, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      let before = try await kubectl("auth", "can-i", "list", "deployments", "-n", "llm", "--as=\(Self.driftUser)")
      #expect(before.stdout == "no\n", "\(before.output)")
      #expect(before.status == 1)

      let bind = try await kubectl("apply", "-f", try kubectl.file("rbac.yaml", Self.readDeployments))
      #expect(bind.status == 0, "\(bind.output)")
      let after = try await kubectl("auth", "can-i", "list", "deployments", "-n", "llm", "--as=\(Self.driftUser)")
      #expect(after.stdout == "yes\n", "\(after.output)")
      #expect(after.status == 0)
      // Granted in llm only, and only reading.
      #expect(try await kubectl("auth", "can-i", "list", "deployments", "-n", "default", "--as=\(Self.driftUser)").stdout == "no\n")
      #expect(try await kubectl("auth", "can-i", "delete", "deployments", "-n", "llm", "--as=\(Self.driftUser)").stdout == "no\n")
      // The admin is in system:masters.
      #expect(try await kubectl("auth", "can-i", "delete", "nodes").stdout == "yes\n")
    }
  }

  @Test func aTokenFromCreateTokenActsAsItsServiceAccount() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, endpoint, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("app.yaml", ServerFixtures.app()))
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      let created = try await kubectl("create", "token", "drift", "-n", "llm")
      #expect(created.status == 0, "\(created.output)")
      let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(token.count >= 64)

      let drift = try Kubectl(endpoint: endpoint, credential: .token(token))
      defer { drift.remove() }
      let whoami = try await drift("auth", "whoami", "-o", "json")
      #expect(whoami.status == 0, "\(whoami.output)")
      let info = try JSON.parse(whoami.stdout)[path: ["status", "userInfo"]]
      #expect(info?["username"]?.stringValue == Self.driftUser)
      #expect(info?["groups"] == ["system:serviceaccounts", "system:serviceaccounts:llm", "system:authenticated"])

      let refused = try await drift("get", "deployments", "-n", "llm")
      #expect(refused.status != 0)
      #expect(
        refused.stderr.contains(
          #"Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:llm:drift" cannot list resource "deployments" in API group "apps" in the namespace "llm""#
        ),
        "\(refused.output)")

      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("rbac.yaml", Self.readDeployments))
      let allowed = try await drift("get", "deployments", "-n", "llm", "-o", "name")
      #expect(allowed.status == 0, "\(allowed.output)")
      #expect(allowed.stdout == "deployment.apps/vllm\n")
      let scale = try await drift("scale", "deployment", "vllm", "-n", "llm", "--replicas=2")
      #expect(scale.status != 0)
      #expect(
        scale.stderr.contains(
          #"deployments.apps "vllm" is forbidden: User "system:serviceaccount:llm:drift" cannot patch resource "deployments/scale" in API group "apps" in the namespace "llm""#
        ),
        "\(scale.output)")
      let impersonate = try await drift("get", "pods", "--as=someone")
      #expect(
        impersonate.stderr.contains(
          #"users "someone" is forbidden: User "system:serviceaccount:llm:drift" cannot impersonate resource "users" in API group "" at the cluster scope"#
        ),
        "\(impersonate.output)")

      // One hour, the default, on the simulation's clock.
      await server.sim.advance(by: .seconds(3601))
      let expired = try await drift("get", "deployments", "-n", "llm")
      #expect(expired.status != 0)
      #expect(expired.stderr.contains("error: You must be logged in to the server (Unauthorized)"), "\(expired.output)")
    }
  }

  @Test func canIListShowsTheRulesOfTheSubject() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, _, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("rbac.yaml", Self.readDeployments))
      let list = try await kubectl("auth", "can-i", "--list", "-n", "llm", "--as=\(Self.driftUser)")
      #expect(list.status == 0, "\(list.output)")
      let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
      #expect(rows.first == "Resources Non-Resource URLs Resource Names Verbs")
      #expect(rows.contains("deployments.apps [] [] [get list watch]"), "\(list.stdout)")
      // Every authenticated user may review itself and read discovery (the bootstrap policy).
      #expect(rows.contains("selfsubjectaccessreviews.authorization.k8s.io [] [] [create]"), "\(list.stdout)")
      #expect(rows.contains("[/api/*] [] [get]"), "\(list.stdout)")
      #expect(!rows.contains { $0.hasPrefix("pods ") })
    }
  }

  /// Tokens are kept (as digests) in the cluster's state: they work after the cluster is
  /// saved and served again, until their own expiry.
  @Test func tokensSurviveARestart() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-tokens-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let state = directory.appendingPathComponent("state.json").path
    let token = try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, _, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      let created = try await kubectl("create", "token", "drift", "-n", "llm", "--duration=2h")
      #expect(created.status == 0, "\(created.output)")
      try await SimSnapshot.save(server.sim, to: state)
      return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(!(try String(contentsOfFile: state, encoding: .utf8)).contains(token), "only the digest is stored")
    let restored = try SimSnapshot.load(state, scenario: ServerFixtures.scenario())
    let server = KubeSimServer(sim: restored, options: ServerOptions(tls: true))
    let endpoint = try await server.start()
    let drift = try Kubectl(endpoint: endpoint, credential: .token(token))
    defer { drift.remove() }
    let whoami = try await drift("auth", "whoami")
    #expect(whoami.status == 0, "\(whoami.output)")
    #expect(whoami.stdout.contains(Self.driftUser))
    await restored.advance(by: .seconds(7201))
    #expect(try await drift("auth", "whoami").status != 0)
    await server.shutdown()
  }

  /// A token of a deleted service account authenticates no one, even before it expires.
  @Test func aTokenDiesWithItsServiceAccount() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, endpoint, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      let token = try await kubectl("create", "token", "drift", "-n", "llm").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let drift = try Kubectl(endpoint: endpoint, credential: .token(token))
      defer { drift.remove() }
      try await drift.expectSuccess("auth", "whoami")
      try await kubectl.expectSuccess("delete", "serviceaccount", "drift", "-n", "llm")
      let after = try await drift("auth", "whoami")
      #expect(after.stderr.contains("Unauthorized"), "\(after.output)")
      let missing = try await kubectl("create", "token", "drift", "-n", "llm")
      #expect(missing.stderr.contains(#"serviceaccounts "drift" not found"#), "\(missing.output)")
      let short = try await kubectl("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      #expect(short.status == 0)
      let tooShort = try await kubectl("create", "token", "drift", "-n", "llm", "--duration=5m")
      #expect(
        tooShort.stderr.contains("spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes"),
        "\(tooShort.output)")
    }
  }

  /// Allowed to write Roles and RoleBindings, a subject still cannot grant what it does not hold.
  @Test func aSubjectCannotGrantMoreThanItHolds() async throws {
    let manager = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: rbac-manager, namespace: llm}
      rules:
      - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list, create, update, patch]}
      - {apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: drift-manages-rbac, namespace: llm}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rbac-manager}
      subjects: [{kind: ServiceAccount, name: drift}]
      """
    func role(_ verbs: String) -> String {
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: granted, namespace: llm}\n"
        + "rules: [{apiGroups: [apps], resources: [deployments], verbs: [\(verbs)]}]\n"
    }
    let bindEdit = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: drift-edits, namespace: llm}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
      subjects: [{kind: ServiceAccount, name: drift}]
      """
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, endpoint, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("sa.yaml", Self.serviceAccount))
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("manager.yaml", manager))
      let token = try await kubectl("create", "token", "drift", "-n", "llm").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let drift = try Kubectl(endpoint: endpoint, credential: .token(token))
      defer { drift.remove() }

      let escalating = try await drift("apply", "-f", try drift.file("granted.yaml", role("get, delete")))
      #expect(escalating.status != 0)
      #expect(
        escalating.stderr.contains(
          #"roles.rbac.authorization.k8s.io "granted" is forbidden: user "system:serviceaccount:llm:drift" (groups=["system:serviceaccounts" "system:serviceaccounts:llm" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:"#
        ), "\(escalating.output)")
      #expect(escalating.stderr.contains(#"{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}"#), "\(escalating.output)")
      let within = try await drift("apply", "-f", try drift.file("granted.yaml", role("get, list")))
      #expect(within.status == 0, "\(within.output)")

      let binding = try await drift("apply", "-f", try drift.file("bind.yaml", bindEdit))
      #expect(binding.status != 0)
      #expect(
        binding.stderr.contains(
          #"rolebindings.rbac.authorization.k8s.io "drift-edits" is forbidden: user "system:serviceaccount:llm:drift""#),
        "\(binding.output)")
      // `bind` on the ClusterRole lets it bind what it does not hold.
      let bindGrant = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: may-bind-edit, namespace: llm}
        rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [edit]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: drift-may-bind-edit, namespace: llm}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: may-bind-edit}
        subjects: [{kind: ServiceAccount, name: drift}]
        """
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("bind-grant.yaml", bindGrant))
      let bound = try await drift("apply", "-f", try drift.file("bind.yaml", bindEdit))
      #expect(bound.status == 0, "\(bound.output)")
      #expect(try await drift("auth", "can-i", "delete", "deployments").stdout == "yes\n")
    }
  }
}
