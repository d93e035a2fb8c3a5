import Foundation

extension KubeConfig {
  /// Resolves a context (the `--context` override, else `current-context`) into everything
  /// the client needs. Files named by the chosen cluster and user are read now, so a missing
  /// certificate fails here rather than at the first request.
  public func connection(context override: String? = nil, namespace namespaceOverride: String? = nil)
    throws(KubeError) -> LoadedConnection
  {
    let contextName = try chosenContextName(override)
    guard let context = contexts[contextName] else {
      throw .configuration(unknownContextMessage(contextName, fromOverride: override != nil))
    }
    var warnings: [String] = []
    let cluster = try resolvedCluster(for: context, named: contextName)
    var connection = ClusterConnection(server: "", contextName: contextName)
    connection.tlsServerName = cluster.tlsServerName
    connection.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify
    connection.certificateAuthorityPEM = try certificateAuthority(of: cluster)
    if cluster.insecureSkipTLSVerify {
      guard connection.certificateAuthorityPEM == nil else {
        throw .configuration(
          "\(cluster.file): \(cluster.field): specifying a root certificate (certificate-authority) with insecure-skip-tls-verify is not allowed")
      }
      warnings.append(
        "WARNING: TLS certificate verification is DISABLED for context \"\(contextName)\" (\(cluster.field).insecure-skip-tls-verify in \(cluster.file)): anyone on the network path can impersonate the API server and read the credentials sent to it")
    }
    connection.credentials = try credentials(for: context, named: contextName)
    connection.server = try serverURL(cluster, usesTLS: connection.certificateAuthorityPEM != nil
      || cluster.insecureSkipTLSVerify || connection.credentials.isClientCertificate)
    if let namespaceOverride, !namespaceOverride.isEmpty {
      connection.namespace = namespaceOverride
    } else {
      connection.namespace = context.namespace ?? "default"
    }
    return LoadedConnection(connection: connection, warnings: warnings)
  }

  func chosenContextName(_ override: String?) throws(KubeError) -> String {
    if let override, !override.isEmpty { return override }
    if let currentContext { return currentContext }
    if contexts.isEmpty {
      throw .configuration("no context defined in \(filesForMessages): the kubeconfig has no contexts")
    }
    throw .configuration(
      "current-context is not set in \(filesForMessages); pass --context (known contexts: \(contextNames.joined(separator: ", ")))")
  }

  func unknownContextMessage(_ name: String, fromOverride: Bool) -> String {
    let known = contextNames.isEmpty ? "none" : contextNames.joined(separator: ", ")
    let origin = fromOverride ? "--context" : "current-context in \(currentContextFile ?? filesForMessages)"
    return "context \"\(name)\" (from \(origin)) does not exist in \(filesForMessages) (known contexts: \(known))"
  }

  func resolvedCluster(for context: KubeConfigContext, named contextName: String) throws(KubeError) -> KubeConfigCluster {
    guard !context.cluster.isEmpty else {
      throw .configuration("\(context.file): \(context.field).cluster: context \"\(contextName)\" names no cluster")
    }
    guard let cluster = clusters[context.cluster] else {
      throw .configuration(
        "\(context.file): \(context.field).cluster: cluster \"\(context.cluster)\" is not defined in \(filesForMessages)")
    }
    if cluster.proxyURL != nil {
      throw .configuration("\(cluster.file): \(cluster.field).proxy-url: proxies are not supported; remove proxy-url or use a context without one")
    }
    return cluster
  }

  /// A server without a scheme gets https when TLS is configured and http otherwise, as
  /// client-go's DefaultServerURL does.
  func serverURL(_ cluster: KubeConfigCluster, usesTLS: Bool) throws(KubeError) -> String {
    guard let server = cluster.server else {
      throw .configuration("\(cluster.file): \(cluster.field).server: no server defined for cluster")
    }
    let withScheme = server.contains("://") ? server : (usesTLS ? "https://" : "http://") + server
    guard let url = URLComponents(string: withScheme), let scheme = url.scheme?.lowercased(),
      scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
    else {
      throw .configuration("\(cluster.file): \(cluster.field).server: \"\(server)\" is not an http(s) URL")
    }
    return withScheme.hasSuffix("/") ? String(withScheme.dropLast()) : withScheme
  }

  func certificateAuthority(of cluster: KubeConfigCluster) throws(KubeError) -> Data? {
    if cluster.certificateAuthority != nil, cluster.certificateAuthorityData != nil {
      throw .configuration(
        "\(cluster.file): \(cluster.field): certificate-authority-data and certificate-authority are both specified; keep one")
    }
    if let data = cluster.certificateAuthorityData { return data }
    guard let path = cluster.certificateAuthority else { return nil }
    return try readReferencedFile(path, file: cluster.file, field: "\(cluster.field).certificate-authority")
  }

  func credentials(for context: KubeConfigContext, named contextName: String) throws(KubeError) -> Credentials {
    guard !context.user.isEmpty else { return .none }
    guard let user = users[context.user] else {
      throw .configuration("\(context.file): \(context.field).user: user \"\(context.user)\" is not defined in \(filesForMessages)")
    }
    let name = context.user
    let at = "\(user.file): \(user.field)"
    if user.hasBasicAuth {
      throw .configuration("\(at): user \"\(name)\" uses username/password basic auth, which is not supported; use a token, client certificate or exec plugin")
    }
    if let provider = user.authProviderName {
      throw .configuration("\(at).auth-provider: user \"\(name)\" uses auth-provider \"\(provider)\", which is not supported (it was removed from kubectl); use an exec plugin")
    }
    if !user.impersonationFields.isEmpty {
      throw .configuration("\(at): user \"\(name)\" sets impersonation (\(user.impersonationFields.joined(separator: ", "))), which is not supported")
    }
    let hasCertificate = user.clientCertificate != nil || user.clientCertificateData != nil
      || user.clientKey != nil || user.clientKeyData != nil
    let hasToken = user.token != nil || user.tokenFile != nil
    let methods = [hasToken ? "token" : nil, hasCertificate ? "client certificate" : nil, user.exec != nil ? "exec" : nil]
      .compactMap { $0 }
    if methods.count > 1 {
      throw .configuration("\(at): user \"\(name)\" combines \(methods.joined(separator: " and ")); only one authentication method per user is supported")
    }
    if let exec = user.exec { return .exec(try validated(exec, user: user, name: name)) }
    if hasCertificate { return try clientCertificate(user) }
    // token wins over tokenFile, as in client-go, which then never reads the file.
    if let token = user.token { return .token(token) }
    if let tokenFile = user.tokenFile {
      guard FileManager.default.isReadableFile(atPath: tokenFile) else {
        throw .configuration("\(at).tokenFile: cannot read \(tokenFile)")
      }
      return .tokenFile(tokenFile)
    }
    return .none
  }

  func clientCertificate(_ user: KubeConfigUser) throws(KubeError) -> Credentials {
    let at = "\(user.file): \(user.field)"
    if user.clientCertificate != nil, user.clientCertificateData != nil {
      throw .configuration("\(at): client-certificate-data and client-certificate are both specified; keep one")
    }
    if user.clientKey != nil, user.clientKeyData != nil {
      throw .configuration("\(at): client-key-data and client-key are both specified; keep one")
    }
    let certificate: Data? =
      if let data = user.clientCertificateData { data } else if let path = user.clientCertificate {
        try readReferencedFile(path, file: user.file, field: "\(user.field).client-certificate")
      } else { nil }
    let key: Data? =
      if let data = user.clientKeyData { data } else if let path = user.clientKey {
        try readReferencedFile(path, file: user.file, field: "\(user.field).client-key")
      } else { nil }
    guard let certificate else {
      throw .configuration("\(at): client-certificate-data or client-certificate must be specified to use the client key")
    }
    guard let key else {
      throw .configuration("\(at): client-key-data or client-key must be specified to use the client certificate")
    }
    return .clientCertificate(certificatePEM: certificate, keyPEM: key)
  }

  func validated(_ exec: ExecCredentialConfig, user: KubeConfigUser, name: String) throws(KubeError) -> ExecCredentialConfig {
    let at = "\(user.file): \(user.field).exec"
    guard !exec.command.isEmpty else { throw .configuration("\(at).command: command must be specified for user \"\(name)\" to use an exec plugin") }
    guard !exec.apiVersion.isEmpty else { throw .configuration("\(at).apiVersion: apiVersion must be specified for user \"\(name)\" to use an exec plugin") }
    guard ExecCredential.supportedAPIVersions.contains(exec.apiVersion) else {
      throw .configuration("\(at).apiVersion: \"\(exec.apiVersion)\" is not supported (use \(ExecCredential.supportedAPIVersions.joined(separator: " or ")))")
    }
    // v1 leaves interactiveMode without a default; older versions default to IfAvailable.
    let mode = user.execInteractiveMode ?? (exec.apiVersion == ExecCredential.v1 ? nil : "IfAvailable")
    switch mode {
    case nil:
      throw .configuration("\(at).interactiveMode: interactiveMode must be specified for user \"\(name)\" to use an exec plugin")
    case "Never"?, "IfAvailable"?:
      return exec
    case "Always"?:
      throw .configuration("\(at).interactiveMode: Always is not supported: release runs exec plugins without a terminal")
    case let other?:
      throw .configuration("\(at).interactiveMode: invalid interactiveMode \"\(other)\" (use Never, IfAvailable or Always)")
    }
  }

  func readReferencedFile(_ path: String, file: String, field: String) throws(KubeError) -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .configuration("\(file): \(field): cannot read \(path): \(KubeConfigPaths.readFailureReason(error))")
    }
  }
}

extension Credentials {
  var isClientCertificate: Bool {
    if case .clientCertificate = self { return true }
    return false
  }
}
