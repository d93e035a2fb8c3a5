public import KubeSim
import Crypto
import Foundation
import Kube
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The simulated cluster served over HTTP(S) on 127.0.0.1 with the Kubernetes REST paths,
/// so `kubectl` and the REST client drive it unmodified. With `speed` > 0 a background task
/// advances the simulation's virtual time by elapsed real time × speed.
///
///     let server = KubeSimServer(sim: KubeSim(scenario: s), options: ServerOptions(tls: true, speed: 200))
///     let endpoint = try await server.start()
///     try Kubeconfig.yaml(for: endpoint, credential: .clientCertificate).write(to: …)
///     await server.shutdown()
public actor KubeSimServer {
  public nonisolated let sim: KubeSim
  public nonisolated let options: ServerOptions
  private var pki: PKI?
  private var endpoint: ServerEndpoint?
  private var serverChannel: (any Channel)?
  private var acceptTask: Task<Void, Never>?
  private var tickTask: Task<Void, Never>?
  private var registry = ConnectionRegistry()
  private let speed: SpeedSetting

  public init(sim: KubeSim, options: ServerOptions = ServerOptions()) {
    self.sim = sim
    self.options = options
    speed = SpeedSetting(options.speed)
  }

  /// Binds, generates the PKI (with TLS) and starts serving; calling it again returns the same endpoint.
  public func start() async throws -> ServerEndpoint {
    if let endpoint { return endpoint }
    var sslContext: NIOSSLContext?
    var admin: IssuedCertificate?
    var caPEM: String?
    if options.tls {
      let pki = try options.certificateAuthority.map(PKI.init(authority:)) ?? self.pki ?? PKI()
      self.pki = pki
      let serving = try pki.serverCertificate()
      admin = try pki.clientCertificate(user: Authenticator.adminName, groups: Authenticator.adminGroups)
      caPEM = try pki.caPEM
      var configuration = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(serving.certificatePEM.utf8)).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.keyPEM.utf8), format: .pem)))
      configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array((caPEM ?? "").utf8)))
      // Optional at the TLS layer so token-only clients connect; a presented certificate must verify.
      configuration.certificateVerification = .optionalVerification
      configuration.applicationProtocols = ["http/1.1"]
      sslContext = try NIOSSLContext(configuration: configuration)
    }
    let token = Self.randomToken()
    let tlsContext = sslContext
    let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: "127.0.0.1", port: options.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tlsContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext)) }
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          return try HTTPChannel(wrappingChannelSynchronously: channel)
        }
      }
    let port = bound.channel.localAddress?.port ?? options.port
    serverChannel = bound.channel
    let address = "127.0.0.1:\(port)"
    let discovery: Discovery
    do {
      discovery = Discovery(resources: try await sim.discovery() + AccessReviews.resources + ResourceMetricsRoute.resources)
      // kube-apiserver creates its default roles at start; so does the served cluster.
      try await sim.bootstrapPolicy()
    } catch {
      try? await bound.channel.close()
      throw error
    }
    registry = ConnectionRegistry()
    let clock = sim.clock
    let authorization = Authorization(
      authenticator: Authenticator(
        adminToken: token, users: options.users, anonymous: options.anonymousUser,
        serviceAccountToken: { [sim] digest in await sim.authenticateServiceAccountToken(digest: digest) }),
      rbac: { [sim] attributes in await sim.authorize(attributes) })
    let handler = APIHandler(
      api: sim, discovery: discovery, serverAddress: address, tables: TableRenderer(now: { clock.now }),
      logs: { [sim] (pod, request) throws(KubeError) in try await sim.logs(of: pod, request) },
      prometheus: PrometheusQueryRoute(source: SimulatedMetrics(sim: sim), now: { clock.now.date }),
      followLogs: { [sim] (pod, request) throws(KubeError) in try await sim.followLogs(of: pod, request) },
      tokens: { [sim] (account, request) throws(KubeError) in
        let token = Self.randomToken()
        var answer = try await sim.requestToken(for: account, request: request, digest: Authenticator.digest(token), id: UUID().uuidString.lowercased())
        answer[path: ["status", "token"]] = .string(token)
        return answer
      },
      reviews: AccessReviews(
        authorize: { attributes in await authorization.authorize(attributes) },
        rules: { [sim] user, namespace in await sim.rules(for: user, namespace: namespace) }),
      escalation: EscalationCheck(
        authorize: { attributes in await authorization.authorize(attributes) },
        rules: { [sim] user, namespace in await sim.rules(for: user, namespace: namespace) }, api: sim),
      openAPI: OpenAPIRoute(discovery: discovery),
      resourceMetrics: ResourceMetricsRoute(usage: { [sim] in await sim.resourceUsage() }, api: sim))
    let connection = HTTPConnection(
      handler: handler, authorization: authorization, tls: options.tls, faults: options.faults, dice: FaultDice(seed: options.faults.seed),
      registry: registry)
    acceptTask = Task(executorPreference: ServingThreads.shared) {
      try? await bound.executeThenClose { inbound in
        try await withThrowingDiscardingTaskGroup { group in
          for try await child in inbound {
            group.addTask { await connection.serve(child) }
          }
        }
      }
    }
    tickTask = Self.ticker(sim: sim, speed: speed)
    let endpoint = ServerEndpoint(
      url: "\(options.tls ? "https" : "http")://\(address)", port: port, caPEM: caPEM,
      clientCertificatePEM: admin?.certificatePEM, clientKeyPEM: admin?.keyPEM, token: token)
    self.endpoint = endpoint
    return endpoint
  }

  /// A client certificate from the server's CA for another user (TLS only; after `start`).
  /// Its CN is the user and each group an O, as kube-apiserver reads them; RBAC decides what
  /// it may do.
  public func issueClientCertificate(user: String, groups: [String] = []) throws -> IssuedCertificate {
    guard let pki else { throw KubeError.configuration("the server has no PKI: start it with tls on") }
    return try pki.clientCertificate(user: user, groups: groups)
  }

  /// The CA and its key (TLS only; after `start`), to pass back as
  /// `ServerOptions.certificateAuthority` when the cluster is served again.
  public func certificateAuthority() throws -> IssuedCertificate {
    guard let pki else { throw KubeError.configuration("the server has no PKI: start it with tls on") }
    return try pki.authority
  }

  /// Virtual seconds per real second from now on; 0 stops the clock.
  public nonisolated func setSpeed(_ speed: Double) { self.speed.set(speed) }

  /// Stops accepting, closes every connection (ending their watches) and stops the clock.
  public func shutdown() async {
    tickTask?.cancel()
    tickTask = nil
    if let serverChannel { try? await serverChannel.close() }
    serverChannel = nil
    registry.closeAll()
    await acceptTask?.value
    acceptTask = nil
    endpoint = nil
  }

  /// Advances virtual time in small real-time steps; each step covers the real time since the
  /// last one, so a slow step does not slow the virtual clock down.
  static func ticker(sim: KubeSim, speed: SpeedSetting) -> Task<Void, Never> {
    Task(executorPreference: ServingThreads.shared) {
      let clock = ContinuousClock()
      var last = clock.now
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(25))
        let now = clock.now
        let elapsed = last.duration(to: now)
        last = now
        let factor = speed.value
        guard factor > 0 else { continue }
        let seconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * factor
        await sim.advance(by: .nanoseconds(Int64(seconds * 1e9)))
      }
    }
  }

  /// 256 bits from the system's generator, as hex: a bearer credential must not be guessable
  /// (the seeded generator is for the simulation's own choices, not for secrets).
  static func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in
      let byte = String(UInt8.random(in: 0...255, using: &generator), radix: 16)
      return byte.count == 1 ? "0" + byte : byte
    }.joined()
  }
}

/// The clock speed, changeable while the ticker runs.
final class SpeedSetting: Sendable {
  private let storage: Mutex<Double>
  init(_ value: Double) { storage = Mutex(value) }
  var value: Double { storage.withLock { $0 } }
  func set(_ value: Double) { storage.withLock { $0 = max(0, value) } }
}
