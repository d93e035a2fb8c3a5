import Foundation
import Kube
import Testing

@Suite struct KubeConfigInClusterTests {
  func serviceAccount(namespace: String? = "llm", ca: Bool = true) throws -> KubeConfigScratch {
    let scratch = try KubeConfigScratch()
    try scratch.write("sa/token", "sa-token-value\n")
    if ca { try scratch.write("sa/ca.crt", TestPEM.ca) }
    if let namespace { try scratch.write("sa/namespace", namespace) }
    return scratch
  }

  @Test func readsServiceAccountAndServiceEnvironment() throws {
    let scratch = try serviceAccount()
    let env = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
    let config = InClusterConfig(environment: env, serviceAccountDirectory: scratch.path("sa"))
    #expect(config.isAvailable)
    let loaded = try config.load()
    #expect(loaded.warnings.isEmpty)
    #expect(loaded.connection.server == "https://10.96.0.1:443")
    #expect(loaded.connection.certificateAuthorityPEM == Data(TestPEM.ca.utf8))
    #expect(loaded.connection.credentials == .tokenFile(scratch.path("sa/token")))
    #expect(loaded.connection.namespace == "llm")
    #expect(loaded.connection.contextName == "in-cluster")
    #expect(try config.load(namespace: "other").connection.namespace == "other")
  }

  @Test func bracketsIPv6Hosts() throws {
    let scratch = try serviceAccount(namespace: nil)
    let env = ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"]
    let loaded = try InClusterConfig(environment: env, serviceAccountDirectory: scratch.path("sa")).load()
    #expect(loaded.connection.server == "https://[fd00:10:96::1]:6443")
    #expect(loaded.connection.namespace == "default")
  }

  @Test func podNamespaceEnvironmentWinsOverTheFile() throws {
    let scratch = try serviceAccount()
    let env = ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1", "POD_NAMESPACE": "from-env"]
    #expect(try InClusterConfig(environment: env, serviceAccountDirectory: scratch.path("sa")).load().connection.namespace == "from-env")
  }

  @Test func missingCertificateAuthorityIsAWarning() throws {
    let scratch = try serviceAccount(ca: false)
    let env = ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"]
    let loaded = try InClusterConfig(environment: env, serviceAccountDirectory: scratch.path("sa")).load()
    #expect(loaded.connection.certificateAuthorityPEM == nil)
    #expect(loaded.warnings.count == 1)
  }

  @Test func outsideAClusterIsAClearError() throws {
    let scratch = try serviceAccount()
    let config = InClusterConfig(environment: ["KUBERNETES_SERVICE_HOST": "h"], serviceAccountDirectory: scratch.path("sa"))
    #expect(!config.isAvailable)
    let message = thrownKubeError { try config.load() }?.configurationMessage
    #expect(message?.hasPrefix("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set") == true)

    let noToken = InClusterConfig(
      environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"],
      serviceAccountDirectory: scratch.path("elsewhere"))
    #expect(thrownKubeError { try noToken.load() }?.configurationMessage?.contains("cannot read the service account token") == true)
  }

  @Test func loaderFallsBackToInClusterOnlyWithoutKubeconfigOrOverrides() throws {
    let scratch = try serviceAccount()
    let inCluster = InClusterConfig(
      environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
      serviceAccountDirectory: scratch.path("sa"))
    let noFiles = KubeConfigLoader(environment: ["HOME": scratch.path("home")])
    #expect(try noFiles.load(inClusterFallback: inCluster).connection.contextName == "in-cluster")
    let withContext = KubeConfigLoader(context: "prod", environment: ["HOME": scratch.path("home")])
    #expect(thrownKubeError { try withContext.load(inClusterFallback: inCluster) }?.configurationMessage?.contains("no kubeconfig found") == true)
    try scratch.write("home/.kube/config", "clusters:\n- name: c\n  cluster: {server: 'https://x'}\ncontexts:\n- name: k\n  context: {cluster: c}\ncurrent-context: k\n")
    #expect(try noFiles.load(inClusterFallback: inCluster).connection.contextName == "k")
  }
}
