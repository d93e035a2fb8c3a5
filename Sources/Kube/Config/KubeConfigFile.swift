import Foundation
import Manifest

/// One kubeconfig file, decoded. Decoding is whole-file, as client-go does: a bad base64 field
/// or duplicate name anywhere in a file fails the load even if no context uses that entry.
struct KubeConfigFile: Sendable {
  var path: String
  var clusters: [(name: String, entry: KubeConfigCluster)] = []
  var users: [(name: String, entry: KubeConfigUser)] = []
  var contexts: [(name: String, entry: KubeConfigContext)] = []
  var currentContext: String?

  var directory: String { (path as NSString).deletingLastPathComponent }

  static func read(path: String) throws(KubeError) -> KubeConfigFile {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .configuration("\(path): cannot read kubeconfig: \(KubeConfigPaths.readFailureReason(error))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .configuration("\(path): kubeconfig is not UTF-8 text")
    }
    return try parse(text, path: path)
  }

  static func parse(_ text: String, path: String) throws(KubeError) -> KubeConfigFile {
    let document: Value
    do throws(ManifestError) {
      document = try YAMLReader.document(text, file: path)
    } catch {
      throw .configuration(error.description)
    }
    do throws(FieldError) {
      return try decode(document, path: path)
    } catch {
      throw .configuration(error.description)
    }
  }

  static func decode(_ document: Value, path: String) throws(FieldError) -> KubeConfigFile {
    var file = KubeConfigFile(path: path)
    // A file with only comments reads as an empty map; a scalar document is not a kubeconfig.
    if document.objectValue == nil {
      throw FieldError(file: path, field: nil, message: "expected a kubeconfig map, got \(document.typeDescription)")
    }
    var root = FieldReader(value: document, file: path)
    let current = try root.optionalString("current-context")
    file.currentContext = (current?.isEmpty ?? true) ? nil : current
    let base = file.directory

    for (name, reader) in try namedEntries(&root, list: "clusters", body: "cluster") {
      file.clusters.append((name, try decodeCluster(reader, base: base)))
    }
    for (name, reader) in try namedEntries(&root, list: "users", body: "user") {
      file.users.append((name, try decodeUser(reader, base: base)))
    }
    for (name, reader) in try namedEntries(&root, list: "contexts", body: "context") {
      var context = reader
      file.contexts.append(
        (name,
         KubeConfigContext(
          file: path, field: reader.path,
          cluster: try context.optionalString("cluster") ?? "",
          user: try context.optionalString("user") ?? "",
          namespace: try context.optionalString("namespace").flatMap { $0.isEmpty ? nil : $0 })))
    }
    return file
  }

  /// `clusters: [{name, cluster: {...}}]` → readers whose path is `clusters[name=x].cluster`,
  /// so every message names the entry the way a reader of the file finds it.
  static func namedEntries(
    _ root: inout FieldReader, list: String, body: String
  ) throws(FieldError) -> [(String, FieldReader)] {
    guard let items = try root.optionalList(list) else { return [] }
    var result: [(String, FieldReader)] = []
    var seen: Set<String> = []
    for (itemPath, item) in items {
      guard item.objectValue != nil else {
        throw FieldError(file: root.file, field: itemPath, message: "expected a map, got \(item.typeDescription)")
      }
      var entry = FieldReader(value: item, file: root.file, path: itemPath)
      let name = try entry.requireString("name")
      guard seen.insert(name).inserted else {
        throw FieldError(file: root.file, field: itemPath, message: "duplicate name \"\(name)\" in \(list)")
      }
      let bodyValue = item[body] ?? .object([:])
      let bodyPath = "\(list)[name=\(name)].\(body)"
      guard bodyValue.isNull || bodyValue.objectValue != nil else {
        throw FieldError(file: root.file, field: bodyPath, message: "expected a map, got \(bodyValue.typeDescription)")
      }
      result.append((name, FieldReader(value: bodyValue.isNull ? .object([:]) : bodyValue, file: root.file, path: bodyPath)))
    }
    return result
  }

  static func decodeCluster(_ reader: FieldReader, base: String) throws(FieldError) -> KubeConfigCluster {
    var r = reader
    return KubeConfigCluster(
      file: r.file, field: r.path,
      server: try nonEmpty(r.optionalString("server")),
      tlsServerName: try nonEmpty(r.optionalString("tls-server-name")),
      insecureSkipTLSVerify: try r.optionalBool("insecure-skip-tls-verify") ?? false,
      certificateAuthority: try resolvePath(r.optionalString("certificate-authority"), base: base),
      certificateAuthorityData: try base64(&r, "certificate-authority-data"),
      proxyURL: try nonEmpty(r.optionalString("proxy-url")))
  }

  static func decodeUser(_ reader: FieldReader, base: String) throws(FieldError) -> KubeConfigUser {
    var r = reader
    let username = try nonEmpty(r.optionalString("username"))
    let password = try nonEmpty(r.optionalString("password"))
    var user = KubeConfigUser(
      file: r.file, field: r.path,
      token: try nonEmpty(r.optionalString("token")),
      tokenFile: try resolvePath(r.optionalString("tokenFile"), base: base),
      clientCertificate: try resolvePath(r.optionalString("client-certificate"), base: base),
      clientCertificateData: try base64(&r, "client-certificate-data"),
      clientKey: try resolvePath(r.optionalString("client-key"), base: base),
      clientKeyData: try base64(&r, "client-key-data"),
      exec: nil, execInteractiveMode: nil,
      hasBasicAuth: username != nil || password != nil,
      authProviderName: nil, impersonationFields: [])
    if let provider = try r.optionalMap("auth-provider") {
      var p = provider
      user.authProviderName = try p.optionalString("name") ?? "unnamed"
    }
    for field in ["as", "as-uid", "as-groups", "as-user-extra"] {
      if let v = r.raw(field), !isEmpty(v) { user.impersonationFields.append(field) }
    }
    if let exec = try r.optionalMap("exec") {
      var e = exec
      let command = try e.optionalString("command") ?? ""
      var env: [ExecCredentialConfig.EnvVar] = []
      for (itemPath, item) in try e.optionalList("env") ?? [] {
        var variable = FieldReader(value: item, file: r.file, path: itemPath)
        guard item.objectValue != nil else {
          throw FieldError(file: r.file, field: itemPath, message: "expected a map, got \(item.typeDescription)")
        }
        let name = try variable.requireString("name")
        guard !name.isEmpty else { throw variable.error("name", "env variable name must be specified") }
        env.append(.init(name: name, value: try variable.optionalString("value") ?? ""))
      }
      user.exec = ExecCredentialConfig(
        command: execCommand(command, base: base),
        args: try e.optionalStringList("args") ?? [],
        env: env,
        apiVersion: try e.optionalString("apiVersion") ?? "",
        installHint: try nonEmpty(e.optionalString("installHint")),
        provideClusterInfo: try e.optionalBool("provideClusterInfo") ?? false,
        baseDirectory: base)
      user.execInteractiveMode = try nonEmpty(e.optionalString("interactiveMode"))
    }
    return user
  }

  static func isEmpty(_ value: Value) -> Bool {
    switch value {
    case .null: return true
    case .string(let s): return s.isEmpty
    case .array(let a): return a.isEmpty
    case .object(let o): return o.isEmpty
    default: return false
    }
  }

  static func nonEmpty(_ s: String?) -> String? {
    guard let s, !s.isEmpty else { return nil }
    return s
  }

  static func resolvePath(_ path: String?, base: String) -> String? {
    guard let path = nonEmpty(path) else { return nil }
    return KubeConfigPaths.resolve(path, against: base)
  }

  /// Only a command with a slash is a path: a bare name is looked up on PATH when run.
  static func execCommand(_ command: String, base: String) -> String {
    guard command.contains("/") else { return command }
    return KubeConfigPaths.resolve(command, against: base)
  }

  /// `-data` fields are []byte in client-go: standard base64 with padding, line breaks ignored.
  /// The message never repeats the value, which is key material.
  static func base64(_ r: inout FieldReader, _ key: String) throws(FieldError) -> Data? {
    guard let text = try r.optionalString(key) else { return nil }
    let compact = text.filter { $0 != "\n" && $0 != "\r" }
    if compact.isEmpty { return nil }
    guard let data = Data(base64Encoded: compact) else { throw r.error(key, "not valid base64") }
    return data
  }
}

enum KubeConfigPaths {
  static func resolve(_ path: String, against base: String) -> String {
    if path.hasPrefix("/") { return path }
    return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
  }

  /// The OS reason without Foundation's long wrapper text.
  static func readFailureReason(_ error: any Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSCocoaErrorDomain {
      switch ns.code {
      case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
      case NSFileReadNoPermissionError: return "permission denied"
      default: break
      }
    }
    return ns.localizedDescription
  }
}
