import EnvironmentRepo
import Testing

@Suite struct EnvironmentConfigTests {
  let header = "apiVersion: release.dev/v1alpha1\nkind: Environment\n"

  @Test(arguments: [
    ("cluster:\n  embedded: {}\n", EnvironmentConfig.Cluster.embedded(name: nil, scenario: nil)),
    ("cluster:\n  embedded: {scenario: gpus.yaml}\n", .embedded(name: nil, scenario: "gpus.yaml")),
    ("cluster:\n  kubeconfig: {context: prod-us}\n", .kubeconfig(context: "prod-us", path: nil)),
    ("cluster:\n  inCluster: true\n", .inCluster),
  ])
  func parsesEachClusterKind(body: String, expected: EnvironmentConfig.Cluster) throws {
    #expect(try EnvironmentConfig(parsing: header + body, file: "release.yaml").cluster == expected)
  }

  @Test(arguments: [
    ("cluster:\n  embedded: {}\nrollouts: {}\n", "release.yaml: rollouts: unknown field"),
    ("cluster:\n  embeded: {}\n", "release.yaml: cluster.embeded: unknown field"),
    ("cluster:\n  kubeconfig: {}\n", "release.yaml: cluster.kubeconfig.context: required field is missing"),
    ("cluster:\n  kubeconfig: {context: [a]}\n", "release.yaml: cluster.kubeconfig.context: expected a string, got a list"),
    ("cluster:\n  embedded: {}\n  inCluster: true\n", "release.yaml: cluster: exactly one of embedded, kubeconfig or inCluster: true must be set (found 2)"),
    ("", "release.yaml: cluster: required field is missing"),
  ])
  func reportsBadFieldsByName(body: String, message: String) {
    #expect(throws: EnvironmentError.self) { try EnvironmentConfig(parsing: header + body, file: "release.yaml") }
    do {
      _ = try EnvironmentConfig(parsing: header + body, file: "release.yaml")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func rejectsAnotherKind() {
    do {
      _ = try EnvironmentConfig(parsing: "apiVersion: v1\nkind: ConfigMap\n", file: "r.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "r.yaml: apiVersion: expected \"release.dev/v1alpha1\", got \"v1\"")
    }
  }
}
