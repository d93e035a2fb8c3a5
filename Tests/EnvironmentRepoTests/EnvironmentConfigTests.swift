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
    ("", "release.yaml: cluster: required field is missing (or list several under clusters)"),
    ("cluster: {embedded: {}}\nclusters: [{name: a, embedded: {}}]\n", "release.yaml: clusters: set either cluster (one) or clusters (several, rolled in order), not both"),
    ("clusters: []\n", "release.yaml: clusters: list at least one cluster, or use cluster"),
    ("clusters: [{embedded: {}}]\n", "release.yaml: clusters[0].name: required field is missing"),
    ("clusters: [{name: US, embedded: {}}]\n", "release.yaml: clusters[0].name: \"US\" is not a cluster name: lowercase letters, digits and '-', starting with a letter, at most 63"),
    ("clusters: [{name: us, embedded: {name: a}}, {name: us, embedded: {name: b}}]\n", "release.yaml: clusters[1].name: \"us\" is already the name of clusters[0]"),
    ("clusters: [{name: us, embedded: {name: a}}, {name: eu, embedded: {name: a}}]\n", "release.yaml: clusters[1]: the same cluster as clusters[0] (us): a wave would roll it twice"),
    ("clusters: [{name: us, embeded: {}}]\n", "release.yaml: clusters[0].embeded: unknown field"),
    ("clusters: [{name: us, kubeconfig: {context: us}, inCluster: true}]\n", "release.yaml: clusters[0]: exactly one of embedded, kubeconfig or inCluster: true must be set (found 2)"),
    ("clusters: [{name: us, embedded: {name: A}}]\n", "release.yaml: clusters[0].embedded.name: \"A\" is not a cluster name: lowercase letters, digits and '-', starting with a letter, at most 63"),
  ])
  func reportsBadFieldsByName(body: String, message: String) {
    #expect(throws: EnvironmentError.self) { try EnvironmentConfig(parsing: header + body, file: "release.yaml") }
    do {
      _ = try EnvironmentConfig(parsing: header + body, file: "release.yaml")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func clustersAreNamedAndKeptInTheirOrder() throws {
    let config = try EnvironmentConfig(
      parsing: header + "clusters:\n  - name: us\n    kubeconfig: {context: prod-us}\n  - name: eu\n    embedded: {name: prod-eu}\n", file: "release.yaml")
    #expect(config.clusters == [
      EnvironmentConfig.NamedCluster(name: "us", cluster: .kubeconfig(context: "prod-us", path: nil)),
      EnvironmentConfig.NamedCluster(name: "eu", cluster: .embedded(name: "prod-eu", scenario: nil)),
    ])
    #expect(config.cluster == .kubeconfig(context: "prod-us", path: nil))
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
