import Foundation

/// OpenSSH's `sshd` on a loopback port with its own host key and one authorized client key:
/// a real SSH remote for the clone tests. Needs root (sshd's privilege separation) and
/// /usr/sbin/sshd (scripts/bootstrap installs openssh-server).
final class SSHServer {
  let port: Int
  let directory: String
  /// The client's private key (RELEASE_GIT_SSH_KEY) and a known_hosts naming this server.
  var clientKey: String { directory + "/client_ed25519" }
  var knownHosts: String { directory + "/known_hosts" }
  /// A key the server does not authorize.
  var strangerKey: String { directory + "/stranger_ed25519" }
  var hostPublicKey: String

  static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") && getuid() == 0 }

  init(directory: String) throws {
    self.directory = directory
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // sshd refuses to start without its privilege-separation directory.
    try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
    for name in ["host_ed25519", "client_ed25519", "stranger_ed25519"] {
      try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/" + name])
    }
    try FileManager.default.copyItem(atPath: directory + "/client_ed25519.pub", toPath: directory + "/authorized_keys")
    hostPublicKey = try String(contentsOfFile: directory + "/host_ed25519.pub", encoding: .utf8)
      .split(separator: " ").prefix(2).joined(separator: " ")
    port = try Self.freePort()
    let config = """
      ListenAddress 127.0.0.1
      Port \(port)
      HostKey \(directory)/host_ed25519
      AuthorizedKeysFile \(directory)/authorized_keys
      PidFile \(directory)/sshd.pid
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      UsePAM no
      StrictModes no
      PermitRootLogin prohibit-password

      """
    try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
    try "[127.0.0.1]:\(port) \(hostPublicKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
    // sshd daemonizes itself: kept as a child of the test process, Foundation was seen never to
    // reap the children the test started afterwards (git, ssh-keygen).
    try Self.run("/usr/sbin/sshd", ["-f", directory + "/sshd_config"])
    // Ready when it sends its banner; bounded, and by attempts, not by a clock.
    for _ in 0..<200 where !Self.accepts(port) { usleep(20_000) }
    guard Self.accepts(port) else {
      stop()
      throw FixtureError("sshd did not listen on \(port)")
    }
  }

  func url(_ path: String) -> String { "ssh://root@127.0.0.1:\(port)\(path)" }

  func stop() {
    guard let text = try? String(contentsOfFile: directory + "/sshd.pid", encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return }
    kill(pid, SIGKILL)
  }

  static func run(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw FixtureError("\(executable) exited \(process.terminationStatus)") }
  }

  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw FixtureError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func accepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    // Listening is not serving: only a banner shows a session would start.
    var banner = [UInt8](repeating: 0, count: 4)
    return connected && recv(fd, &banner, 4, Int32(MSG_WAITALL)) == 4 && banner == Array("SSH-".utf8)
  }
}
