import Foundation
import Kube
import Testing

/// Which files are read and how they merge: kubectl's loading rules.
@Suite struct KubeConfigLoaderTests {
  static let fileA = """
    apiVersion: v1
    kind: Config
    clusters:
    - name: shared
      cluster:
        server: https://a.example:6443
    - name: only-a
      cluster:
        server: https://only-a.example
    users:
    - name: alice
      user:
        token: token-from-a
    contexts:
    - name: ctx-a
      context:
        cluster: shared
        user: alice
        namespace: team-a
    """
  static let fileB = """
    clusters:
    - name: shared
      cluster:
        server: https://b.example:6443
    users:
    - name: alice
      user:
        token: token-from-b
    contexts:
    - name: ctx-a
      context:
        cluster: only-a
        user: alice
    - name: ctx-b
      context:
        cluster: shared
        user: alice
    current-context: ctx-b
    """
  static let fileC = """
    clusters:
    - name: only-c
      cluster:
        server: http://c.example
    contexts:
    - name: ctx-c
      context:
        cluster: only-c
    current-context: ctx-c
    """

  @Test func firstFileDefiningANameWinsAndFirstCurrentContextWins() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let b = try scratch.write("b.yaml", Self.fileB)
    let c = try scratch.write("c.yaml", Self.fileC)
    let loader = KubeConfigLoader(environment: ["KUBECONFIG": "\(a):\(b):\(c)", "HOME": scratch.root])
    let config = try loader.loadConfig()
    #expect(config.files == [a, b, c])
    #expect(config.currentContext == "ctx-b")
    #expect(config.currentContextFile == b)
    #expect(config.contextNames == ["ctx-a", "ctx-b", "ctx-c"])
    #expect(config.clusters["shared"]?.server == "https://a.example:6443")
    #expect(config.clusters["shared"]?.file == a)
    #expect(config.contexts["ctx-a"]?.cluster == "shared")

    let loaded = try loader.load()
    #expect(loaded.connection.contextName == "ctx-b")
    #expect(loaded.connection.server == "https://a.example:6443")
    #expect(loaded.connection.credentials == .token("token-from-a"))
    #expect(loaded.connection.namespace == "default")
    #expect(loaded.warnings.isEmpty)
  }

  @Test func orderOfKubeconfigDecidesPrecedence() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let b = try scratch.write("b.yaml", Self.fileB)
    let c = try scratch.write("c.yaml", Self.fileC)
    let loaded = try KubeConfigLoader(environment: ["KUBECONFIG": "\(c):\(b):\(a)"]).load()
    #expect(loaded.connection.contextName == "ctx-c")
    #expect(loaded.connection.server == "http://c.example")
    #expect(loaded.connection.credentials == Credentials.none)
    let viaB = try KubeConfigLoader(context: "ctx-b", environment: ["KUBECONFIG": "\(c):\(b):\(a)"]).load()
    #expect(viaB.connection.server == "https://b.example:6443")
    #expect(viaB.connection.credentials == .token("token-from-b"))
  }

  @Test func kubeconfigListSkipsMissingFilesEmptyEntriesAndDuplicates() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let missing = scratch.path("nope.yaml")
    let loader = KubeConfigLoader(context: "ctx-a", environment: ["KUBECONFIG": "\(missing)::\(a):\(a):"])
    #expect(loader.searchPath == [missing, a])
    let config = try loader.loadConfig()
    #expect(config.files == [a])
    let loaded = try loader.load()
    #expect(loaded.connection.namespace == "team-a")
    #expect(loaded.connection.server == "https://a.example:6443")
  }

  @Test func kubeconfigWithOnlyMissingFilesIsAnError() throws {
    let scratch = try KubeConfigScratch()
    let missing = scratch.path("nope.yaml")
    let error = thrownKubeError { try KubeConfigLoader(environment: ["KUBECONFIG": missing]).load() }
    let message = try #require(error?.configurationMessage)
    #expect(message.contains("no kubeconfig found"))
    #expect(message.contains(missing))
  }

  @Test func defaultsToDotKubeConfigUnderInjectedHome() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write(".kube/config", Self.fileB)
    let loader = KubeConfigLoader(environment: ["HOME": scratch.root])
    #expect(loader.searchPath == [scratch.path(".kube/config")])
    #expect(try loader.load().connection.contextName == "ctx-b")
    // An empty KUBECONFIG counts as unset.
    #expect(try KubeConfigLoader(environment: ["HOME": scratch.root, "KUBECONFIG": ""]).load().connection.contextName == "ctx-b")
  }

  @Test func explicitKubeconfigIsTheOnlyFileAndMustExist() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let b = try scratch.write("b.yaml", Self.fileB)
    try scratch.write(".kube/config", Self.fileC)
    let loader = KubeConfigLoader(kubeconfig: a, context: "ctx-a", environment: ["KUBECONFIG": b, "HOME": scratch.root])
    #expect(try loader.loadConfig().files == [a])
    #expect(try loader.load().connection.server == "https://a.example:6443")

    let missing = scratch.path("missing.yaml")
    let error = thrownKubeError { try KubeConfigLoader(kubeconfig: missing, environment: ["KUBECONFIG": b]).load() }
    let message = try #require(error?.configurationMessage)
    #expect(message.hasPrefix(missing))
    #expect(message.contains("does not exist"))
  }

  @Test func relativeExplicitPathResolvesAgainstWorkingDirectory() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write("conf/a.yaml", Self.fileA)
    let loader = KubeConfigLoader(kubeconfig: "conf/a.yaml", context: "ctx-a", environment: [:], workingDirectory: scratch.root)
    #expect(try loader.loadConfig().files == [scratch.path("conf/a.yaml")])
  }

  @Test func contextOverrideAndNamespaceOverride() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let b = try scratch.write("b.yaml", Self.fileB)
    let env = ["KUBECONFIG": "\(a):\(b)"]
    let byContext = try KubeConfigLoader(context: "ctx-a", environment: env).load().connection
    #expect(byContext.contextName == "ctx-a")
    #expect(byContext.namespace == "team-a")
    let overridden = try KubeConfigLoader(context: "ctx-a", namespace: "other", environment: env).load().connection
    #expect(overridden.namespace == "other")
    #expect(try KubeConfigLoader(namespace: "x", environment: env).load().connection.namespace == "x")
  }

  @Test func unknownContextErrorListsKnownContexts() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", Self.fileA)
    let b = try scratch.write("b.yaml", Self.fileB)
    let error = thrownKubeError { try KubeConfigLoader(context: "prod", environment: ["KUBECONFIG": "\(a):\(b)"]).load() }
    #expect(
      error?.configurationMessage
        == "context \"prod\" (from --context) does not exist in \(a), \(b) (known contexts: ctx-a, ctx-b)")
  }

  @Test func currentContextNamingAMissingContextIsAnError() throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("a.yaml", Self.fileA + "\ncurrent-context: gone\n")
    let error = thrownKubeError { try KubeConfigLoader(kubeconfig: path, environment: [:]).load() }
    #expect(
      error?.configurationMessage
        == "context \"gone\" (from current-context in \(path)) does not exist in \(path) (known contexts: ctx-a)")
  }

  @Test func missingCurrentContextAsksForContext() throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("a.yaml", Self.fileA)
    let message = thrownKubeError { try KubeConfigLoader(kubeconfig: path, environment: [:]).load() }?.configurationMessage
    #expect(message == "current-context is not set in \(path); pass --context (known contexts: ctx-a)")
  }

  @Test func emptyFileIsAnEmptyConfig() throws {
    let scratch = try KubeConfigScratch()
    let empty = try scratch.write("empty.yaml", "# nothing here\n")
    let b = try scratch.write("b.yaml", Self.fileB)
    let loaded = try KubeConfigLoader(environment: ["KUBECONFIG": "\(empty):\(b)"]).load()
    #expect(loaded.connection.contextName == "ctx-b")
  }
}
