import Foundation
import Kube
import Testing

/// From a chosen context to a ClusterConnection: paths, inline data, TLS settings, user kinds,
/// and errors that name file and field without leaking secrets.
@Suite struct KubeConfigResolutionTests {
  static let secretToken = "s3cr3t-t0ken-value-0123456789"

  /// A one-context kubeconfig around the given cluster and user bodies (already indented by 4).
  static func config(cluster: String, user: String? = nil, namespace: String? = nil) -> String {
    var text = """
      clusters:
      - name: c
        cluster:
      \(cluster)
      contexts:
      - name: ctx
        context:
          cluster: c

      """
    if user != nil { text += "    user: u\n" }
    if let namespace { text += "    namespace: \(namespace)\n" }
    if let user {
      text += """
        users:
        - name: u
          user:
        \(user)

        """
    }
    return text + "current-context: ctx\n"
  }

  func load(_ text: String, in scratch: KubeConfigScratch, file: String = "config.yaml") throws(KubeError) -> LoadedConnection {
    let path = try! scratch.write(file, text)
    return try KubeConfigLoader(kubeconfig: path, environment: [:]).load()
  }

  func message(_ text: String, in scratch: KubeConfigScratch, file: String = "config.yaml") -> String? {
    thrownKubeError { () throws(KubeError) in try load(text, in: scratch, file: file) }?.configurationMessage
  }

  @Test func relativePathsResolveAgainstTheDefiningFile() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write("conf/pki/ca.crt", TestPEM.ca)
    try scratch.write("conf/pki/client.crt", TestPEM.cert)
    try scratch.write("conf/pki/client.key", TestPEM.key)
    let certUser = "    client-certificate: pki/client.crt\n    client-key: ./pki/../pki/client.key"
    let text = Self.config(cluster: "    server: https://k.example\n    certificate-authority: pki/ca.crt", user: certUser)
    let connection = try load(text, in: scratch, file: "conf/kubeconfig").connection
    #expect(connection.certificateAuthorityPEM == Data(TestPEM.ca.utf8))
    #expect(connection.credentials == .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)))
  }

  @Test func tokenFileAndExecCommandPathsResolveAgainstTheDefiningFile() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write("conf/token", "abc\n")
    let tokenFile = Self.config(cluster: "    server: https://k.example", user: "    tokenFile: token")
    #expect(try load(tokenFile, in: scratch, file: "conf/a.yaml").connection.credentials == .tokenFile(scratch.path("conf/token")))

    let exec = """
          exec:
            apiVersion: client.authentication.k8s.io/v1
            command: ./bin/get-token
            interactiveMode: Never
      """
    let withSlash = try load(Self.config(cluster: "    server: https://k.example", user: exec), in: scratch, file: "conf/b.yaml")
    guard case .exec(let config) = withSlash.connection.credentials else {
      Issue.record("expected exec credentials")
      return
    }
    #expect(config.command == scratch.path("conf/bin/get-token"))
    #expect(config.baseDirectory == scratch.path("conf"))

    let bare = exec.replacingOccurrences(of: "./bin/get-token", with: "aws")
    let onPath = try load(Self.config(cluster: "    server: https://k.example", user: bare), in: scratch, file: "conf/c.yaml")
    guard case .exec(let bareConfig) = onPath.connection.credentials else {
      Issue.record("expected exec credentials")
      return
    }
    #expect(bareConfig.command == "aws")
  }

  @Test func missingReferencedFileNamesFileAndField() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(cluster: "    server: https://k.example\n    certificate-authority: nowhere/ca.crt")
    let path = scratch.path("config.yaml")
    let message = try #require(self.message(text, in: scratch))
    #expect(message.hasPrefix("\(path): clusters[name=c].cluster.certificate-authority: cannot read \(scratch.path("nowhere/ca.crt"))"))
  }

  @Test func inlineDataIsBase64Decoded() throws {
    let scratch = try KubeConfigScratch()
    let user = "    client-certificate-data: \(TestPEM.b64(TestPEM.cert))\n    client-key-data: \(TestPEM.b64(TestPEM.key))"
    let text = Self.config(
      cluster: "    server: https://k.example\n    certificate-authority-data: \(TestPEM.b64(TestPEM.ca))\n    tls-server-name: api.internal",
      user: user, namespace: "llm")
    let connection = try load(text, in: scratch).connection
    #expect(connection.certificateAuthorityPEM == Data(TestPEM.ca.utf8))
    #expect(connection.tlsServerName == "api.internal")
    #expect(connection.namespace == "llm")
    #expect(connection.insecureSkipTLSVerify == false)
    #expect(connection.credentials == .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)))
  }

  @Test func badBase64NamesFileAndFieldButNotTheValue() throws {
    let scratch = try KubeConfigScratch()
    let badKey = "c2VjcmV0LWtleS!!!"
    let user = "    client-certificate-data: \(TestPEM.b64(TestPEM.cert))\n    client-key-data: \(badKey)"
    let text = Self.config(cluster: "    server: https://k.example", user: user)
    let message = self.message(text, in: scratch)
    #expect(message == "\(scratch.path("config.yaml")): users[name=u].user.client-key-data: not valid base64")
    #expect(message?.contains(badKey) == false)
  }

  @Test func badBase64InAnUnusedEntryStillFailsTheFile() throws {
    let scratch = try KubeConfigScratch()
    var text = Self.config(cluster: "    server: https://k.example")
    text += """
      users:
      - name: unused
        user:
          client-certificate-data: "%%%"

      """
    #expect(self.message(text, in: scratch)?.hasSuffix("users[name=unused].user.client-certificate-data: not valid base64") == true)
  }

  @Test func malformedYAMLReportsFileAndLine() throws {
    let scratch = try KubeConfigScratch()
    let message = try #require(self.message("clusters:\n- name: c\n  cluster:\n    server: [x\n", in: scratch))
    #expect(message.hasPrefix(scratch.path("config.yaml") + ":5"))
    #expect(message.contains("invalid YAML"))
  }

  @Test func wrongTypeNamesTheField() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(cluster: "    server: https://k.example\n    insecure-skip-tls-verify: \"yes\"")
    #expect(
      self.message(text, in: scratch)
        == "\(scratch.path("config.yaml")): clusters[name=c].cluster.insecure-skip-tls-verify: expected true or false, got a string")
  }

  @Test func duplicateNamesInOneFileAreAnError() throws {
    let scratch = try KubeConfigScratch()
    let text = """
      clusters:
      - name: c
        cluster: {server: "https://a"}
      - name: c
        cluster: {server: "https://b"}
      """
    #expect(self.message(text, in: scratch) == "\(scratch.path("config.yaml")): clusters[1]: duplicate name \"c\" in clusters")
  }

  @Test func insecureSkipVerifyWarnsLoudly() throws {
    let scratch = try KubeConfigScratch()
    let loaded = try load(Self.config(cluster: "    server: https://k.example\n    insecure-skip-tls-verify: true"), in: scratch)
    #expect(loaded.connection.insecureSkipTLSVerify)
    #expect(loaded.warnings.count == 1)
    #expect(loaded.warnings.first?.hasPrefix("WARNING: TLS certificate verification is DISABLED for context \"ctx\"") == true)
  }

  @Test func insecureSkipVerifyWithACertificateAuthorityIsRejected() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(
      cluster: "    server: https://k.example\n    insecure-skip-tls-verify: true\n    certificate-authority-data: \(TestPEM.b64(TestPEM.ca))")
    #expect(self.message(text, in: scratch)?.contains("with insecure-skip-tls-verify is not allowed") == true)
  }

  @Test func certificateAuthorityGivenTwiceIsRejected() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write("ca.crt", TestPEM.ca)
    let text = Self.config(
      cluster: "    server: https://k.example\n    certificate-authority: ca.crt\n    certificate-authority-data: \(TestPEM.b64(TestPEM.ca))")
    #expect(self.message(text, in: scratch)?.contains("certificate-authority-data and certificate-authority are both specified") == true)
  }

  @Test func proxyURLIsRejectedAsUnsupported() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(cluster: "    server: https://k.example\n    proxy-url: http://proxy:3128")
    #expect(
      self.message(text, in: scratch)
        == "\(scratch.path("config.yaml")): clusters[name=c].cluster.proxy-url: proxies are not supported; remove proxy-url or use a context without one")
  }

  @Test func serverWithoutSchemeGetsHTTPSOnlyWhenTLSIsConfigured() throws {
    let scratch = try KubeConfigScratch()
    #expect(try load(Self.config(cluster: "    server: 10.0.0.1:8080"), in: scratch).connection.server == "http://10.0.0.1:8080")
    let tls = Self.config(cluster: "    server: 10.0.0.1:6443\n    certificate-authority-data: \(TestPEM.b64(TestPEM.ca))")
    #expect(try load(tls, in: scratch).connection.server == "https://10.0.0.1:6443")
    #expect(self.message(Self.config(cluster: "    tls-server-name: x"), in: scratch)?.contains("server: no server defined") == true)
  }

  @Test func missingClusterOrUserIsNamed() throws {
    let scratch = try KubeConfigScratch()
    let text = """
      contexts:
      - name: ctx
        context: {cluster: gone, user: nobody}
      current-context: ctx
      """
    let path = scratch.path("config.yaml")
    #expect(self.message(text, in: scratch) == "\(path): contexts[name=ctx].context.cluster: cluster \"gone\" is not defined in \(path)")
    let noUser = Self.config(cluster: "    server: https://k").replacingOccurrences(of: "cluster: c\n", with: "cluster: c\n    user: nobody\n")
    #expect(self.message(noUser, in: scratch) == "\(path): contexts[name=ctx].context.user: user \"nobody\" is not defined in \(path)")
  }

  @Test func unsupportedUserKindsNameTheUser() throws {
    let scratch = try KubeConfigScratch()
    let cluster = "    server: https://k.example"
    let basic = try #require(self.message(Self.config(cluster: cluster, user: "    username: bob\n    password: hunter2"), in: scratch))
    #expect(basic.contains("user \"u\" uses username/password basic auth, which is not supported"))
    #expect(!basic.contains("hunter2"))
    let provider = "    auth-provider:\n      name: gcp\n      config:\n        access-token: \(Self.secretToken)"
    let providerMessage = try #require(self.message(Self.config(cluster: cluster, user: provider), in: scratch))
    #expect(providerMessage.contains("user \"u\" uses auth-provider \"gcp\", which is not supported"))
    #expect(!providerMessage.contains(Self.secretToken))
    let impersonate = try #require(self.message(Self.config(cluster: cluster, user: "    token: t\n    as: admin"), in: scratch))
    #expect(impersonate.contains("impersonation (as)"))
  }

  @Test func combinedAuthenticationMethodsAreRejectedWithoutLeakingThem() throws {
    let scratch = try KubeConfigScratch()
    let user = "    token: \(Self.secretToken)\n    client-certificate-data: \(TestPEM.b64(TestPEM.cert))\n    client-key-data: \(TestPEM.b64(TestPEM.key))"
    let message = try #require(self.message(Self.config(cluster: "    server: https://k.example", user: user), in: scratch))
    #expect(message.contains("combines token and client certificate"))
    #expect(!message.contains(Self.secretToken))
    #expect(!message.contains(TestPEM.b64(TestPEM.key)))
  }

  @Test func certificateWithoutKeyIsAnError() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(cluster: "    server: https://k.example", user: "    client-certificate-data: \(TestPEM.b64(TestPEM.cert))")
    #expect(
      self.message(text, in: scratch)
        == "\(scratch.path("config.yaml")): users[name=u].user: client-key-data or client-key must be specified to use the client certificate")
  }

  @Test func tokenWinsOverTokenFileAsInClientGo() throws {
    let scratch = try KubeConfigScratch()
    let text = Self.config(cluster: "    server: https://k.example", user: "    token: inline\n    tokenFile: missing-file")
    #expect(try load(text, in: scratch).connection.credentials == .token("inline"))
    let missing = Self.config(cluster: "    server: https://k.example", user: "    tokenFile: missing-file")
    #expect(self.message(missing, in: scratch)?.contains("users[name=u].user.tokenFile: cannot read") == true)
  }

  @Test func execStanzaIsReadAndValidated() throws {
    let scratch = try KubeConfigScratch()
    let cluster = "    server: https://k.example"
    let v1beta1 = """
          exec:
            apiVersion: client.authentication.k8s.io/v1beta1
            command: get-token
            args: [--cluster, prod]
            env:
            - name: REGION
              value: eu-west-1
            installHint: brew install get-token
            provideClusterInfo: true
      """
    let loaded = try load(Self.config(cluster: cluster, user: v1beta1), in: scratch)
    #expect(
      loaded.connection.credentials
        == .exec(
          ExecCredentialConfig(
            command: "get-token", args: ["--cluster", "prod"], env: [.init(name: "REGION", value: "eu-west-1")],
            apiVersion: "client.authentication.k8s.io/v1beta1", installHint: "brew install get-token",
            provideClusterInfo: true, baseDirectory: scratch.root)))

    let v1 = v1beta1.replacingOccurrences(of: "v1beta1", with: "v1")
    #expect(self.message(Self.config(cluster: cluster, user: v1), in: scratch)?.hasSuffix(
      "users[name=u].user.exec.interactiveMode: interactiveMode must be specified for user \"u\" to use an exec plugin") == true)
    let always = v1 + "\n      interactiveMode: Always"
    #expect(self.message(Self.config(cluster: cluster, user: always), in: scratch)?.contains("Always is not supported") == true)
    let alpha = v1beta1.replacingOccurrences(of: "v1beta1", with: "v1alpha1")
    #expect(self.message(Self.config(cluster: cluster, user: alpha), in: scratch)?.contains("\"client.authentication.k8s.io/v1alpha1\" is not supported") == true)
  }

  @Test func connectionDescriptionMasksTheToken() throws {
    let scratch = try KubeConfigScratch()
    let loaded = try load(Self.config(cluster: "    server: https://k.example", user: "    token: \(Self.secretToken)"), in: scratch)
    #expect(loaded.connection.credentials == .token(Self.secretToken))
    #expect(!loaded.connection.description.contains(Self.secretToken))
    #expect(!"\(loaded.connection.credentials)".contains(Self.secretToken))
  }
}
