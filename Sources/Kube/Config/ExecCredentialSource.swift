public import Foundation

/// Credentials from a client.authentication.k8s.io exec plugin. The result is cached until its
/// `expirationTimestamp` (forever when the plugin gives none) and the plugin is run again after
/// `invalidate()`, which the client calls when the server answers 401.
public actor ExecCredentialSource: CredentialSource {
  public let config: ExecCredentialConfig
  /// Passed to the plugin in KUBERNETES_EXEC_INFO when `provideClusterInfo` is set.
  let cluster: ClusterConnection?
  let environment: [String: String]
  let now: @Sendable () -> Date

  private var cached: ExecCredential.Issued?
  /// One run shared by concurrent callers, so a burst of requests starts one plugin. Runs never
  /// overlap, so a run in flight always started after every credential handed out so far.
  private var inFlight: Task<Result<ExecCredential.Issued, KubeError>, Never>?

  /// - Parameters:
  ///   - cluster: the connection being authenticated; its server and CA go to the plugin when
  ///     `config.provideClusterInfo` is set, and its context names the plugin in errors.
  ///   - environment: the plugin's base environment (and the PATH it is looked up on).
  ///   - now: the clock that decides expiry.
  public init(
    config: ExecCredentialConfig, cluster: ClusterConnection? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.config = config
    self.cluster = cluster
    self.environment = environment
    self.now = now
  }

  public func current() async throws(KubeError) -> ResolvedCredentials {
    if let cached, isValid(cached) { return cached.credentials }
    let task: Task<Result<ExecCredential.Issued, KubeError>, Never>
    if let inFlight {
      task = inFlight
    } else {
      let invocation = invocation()
      task = Task { await invocation.run() }
      inFlight = task
    }
    let result = await task.value
    if inFlight == task {
      inFlight = nil
      if case .success(let issued) = result { cached = issued }
    }
    return try result.get().credentials
  }

  /// Drops the cached credential; the next `current()` runs the plugin (or joins a run already
  /// under way, which is fresher than anything handed out).
  public func invalidate() async {
    cached = nil
  }

  /// Drops the cached credential only if it is the one the server rejected, as client-go does
  /// after a 401, so a burst of failed requests causes one plugin run rather than one each.
  public func invalidate(rejected: ResolvedCredentials) async {
    if cached?.credentials == rejected { cached = nil }
  }

  func isValid(_ issued: ExecCredential.Issued) -> Bool {
    guard let expiration = issued.expiration else { return true }
    return now() < expiration
  }

  func invocation() -> ExecPluginInvocation {
    ExecPluginInvocation(
      config: config, cluster: config.provideClusterInfo ? cluster : nil,
      contextName: cluster?.contextName, environment: environment)
  }
}

/// Everything one plugin run needs, as a value so it runs off the actor.
struct ExecPluginInvocation: Sendable {
  var config: ExecCredentialConfig
  var cluster: ClusterConnection?
  var contextName: String?
  var environment: [String: String]

  var label: String {
    "\"\(config.command)\"" + (contextName.map { " (context \($0))" } ?? "")
  }

  var command: String {
    let command = config.command
    guard command.contains("/"), !command.hasPrefix("/"), let base = config.baseDirectory else { return command }
    return KubeConfigPaths.resolve(command, against: base)
  }

  var pluginEnvironment: [String: String] {
    var env = environment
    for variable in config.env { env[variable.name] = variable.value }
    env["KUBERNETES_EXEC_INFO"] = ExecCredential.execInfo(apiVersion: config.apiVersion, cluster: cluster)
    return env
  }

  func run() async -> Result<ExecCredential.Issued, KubeError> {
    guard let executable = ExecPluginProcess.locate(command, path: environment["PATH"]) else {
      let hint = config.installHint.map { "\n\n\($0)" } ?? ""
      let location = command.contains("/") ? "at \(command)" : "in PATH"
      return .failure(.configuration("exec plugin \(label): executable \(config.command) not found \(location)\(hint)"))
    }
    let output: ExecPluginProcess.Output
    do {
      output = try await ExecPluginProcess.run(
        executable: executable, arguments: config.args, environment: pluginEnvironment)
    } catch {
      return .failure(.configuration("exec plugin \(label): cannot start \(executable): \(KubeConfigPaths.readFailureReason(error))"))
    }
    guard output.status == 0 else {
      // stdout is never shown: on success it is the credential, and a failing plugin may
      // still have printed part of one.
      let stderr = String(decoding: output.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      let detail = stderr.isEmpty ? "" : ": \(stderr.count > 2000 ? String(stderr.prefix(2000)) + "…" : stderr)"
      return .failure(.configuration("exec plugin \(label) failed with exit code \(output.status)\(detail)"))
    }
    do throws(KubeError) {
      return .success(try ExecCredential.parse(output.stdout, expectedAPIVersion: config.apiVersion, plugin: label))
    } catch {
      return .failure(error)
    }
  }
}
