/// How a `KubeSimServer` listens, how fast its virtual time runs, who may call it and which
/// transport-level faults it injects.
public struct ServerOptions: Sendable {
  /// HTTPS with a generated CA; off serves plain HTTP (bearer tokens only).
  public var tls: Bool
  /// 0 picks a free port.
  public var port: Int
  /// Virtual seconds per real second; 0 leaves time to the caller (`KubeSim.advance(by:)`).
  public var speed: Double
  /// Callers besides the built-in admin (`release-admin`, whose token the endpoint carries).
  public var users: [ServerUser]
  /// Who a request without credentials acts as; nil answers it 401. kubectl sends no token
  /// or certificate over plain HTTP, so kubectl over HTTP needs this (like the old insecure
  /// port of kube-apiserver). A wrong token is still refused.
  public var anonymousUser: ServerUser?
  public var faults: ServerFaults
  /// A CA (from `KubeSimServer.certificateAuthority()` of an earlier run) to sign with instead
  /// of a new one, so certificates and kubeconfigs issued before a restart stay valid.
  public var certificateAuthority: IssuedCertificate?

  public init(
    tls: Bool = true, port: Int = 0, speed: Double = 0, users: [ServerUser] = [], anonymousUser: ServerUser? = nil,
    faults: ServerFaults = ServerFaults(), certificateAuthority: IssuedCertificate? = nil
  ) {
    self.tls = tls
    self.port = port
    self.speed = speed
    self.users = users
    self.anonymousUser = anonymousUser
    self.faults = faults
    self.certificateAuthority = certificateAuthority
  }

  /// The admin, for `anonymousUser` on a plain-HTTP server that kubectl talks to.
  public static let admin = ServerUser(name: "release-admin", groups: ["system:masters"])
}

/// A caller known to the server by a static bearer token (like kube-apiserver's token file).
/// What it may do is up to RBAC: bind its name or groups to a role, or put it in
/// `system:masters` for everything.
public struct ServerUser: Sendable, Hashable {
  public var name: String
  public var groups: [String]
  public var token: String?

  public init(name: String, groups: [String] = [], token: String? = nil) {
    self.name = name
    self.groups = groups
    self.token = token
  }
}

/// Faults below the API: dropped connections and cut watches, drawn from a seeded generator.
public struct ServerFaults: Sendable, Hashable {
  /// Share of requests (0...1) whose connection is closed before any response.
  public var connectionResetRate: Double
  /// A watch ends (cleanly, as an API server restart would) after this many events.
  public var watchEventLimit: Int?
  /// A watch ends after this much real time, whatever `timeoutSeconds` asked for.
  public var watchDuration: Duration?
  public var seed: UInt64

  public init(connectionResetRate: Double = 0, watchEventLimit: Int? = nil, watchDuration: Duration? = nil, seed: UInt64 = 1) {
    self.connectionResetRate = connectionResetRate
    self.watchEventLimit = watchEventLimit
    self.watchDuration = watchDuration
    self.seed = seed
  }
}
