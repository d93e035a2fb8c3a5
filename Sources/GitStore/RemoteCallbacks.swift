internal import CLibGit2
internal import Foundation

/// Where credentials for a remote come from: the environment, never a file in the repo.
/// `RELEASE_GIT_TOKEN` for HTTPS (sent as a password), `RELEASE_GIT_SSH_KEY` (a private key
/// file, `RELEASE_GIT_SSH_PASSPHRASE` optional) or the SSH agent for SSH.
struct RemoteCredentials {
  var token: String?
  var sshKey: String?
  var passphrase: String?
  /// `RELEASE_GIT_KNOWN_HOSTS`, else `~/.ssh/known_hosts`: the SSH host keys trusted.
  var knownHostsFile: String

  static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RemoteCredentials {
    RemoteCredentials(
      token: environment["RELEASE_GIT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
      sshKey: environment["RELEASE_GIT_SSH_KEY"].flatMap { $0.isEmpty ? nil : $0 },
      passphrase: environment["RELEASE_GIT_SSH_PASSPHRASE"],
      knownHostsFile: environment["RELEASE_GIT_KNOWN_HOSTS"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/known_hosts")
  }

  /// Why authentication failed, naming the credential's source, never its value.
  func refusal(allowed: UInt32) -> String {
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
      return sshKey != nil ? "the remote refused the key in RELEASE_GIT_SSH_KEY" : "the remote refused the SSH agent's keys (or no agent runs; set RELEASE_GIT_SSH_KEY)"
    }
    return token != nil ? "the remote refused the token in RELEASE_GIT_TOKEN" : "the remote asks for credentials: set RELEASE_GIT_TOKEN"
  }
}

/// What libgit2's C callbacks share during one network operation: the credentials to answer
/// with, how often they were asked for, the transfer bound, and a push's per-ref verdict.
final class RemoteSession {
  let credentials: RemoteCredentials
  /// A remote may hold anything; a fetch that grows past this is aborted rather than fill the disk.
  let maxBytes: Int
  var credentialRequests = 0
  var refusedCredentials: String?
  var exceededBytes: Int?
  var rejectedPush: String?
  var refusedHostKey: String?
  /// The SSH port the URL names (nil: 22), for known_hosts' `[host]:port` entries.
  let sshPort: Int?

  init(credentials: RemoteCredentials = .fromEnvironment(), maxBytes: Int = Int.max, url: String? = nil) {
    self.credentials = credentials
    self.maxBytes = maxBytes
    sshPort = url.flatMap(RemoteURL.sshPort)
  }

  /// Read when a host key must be checked, so HTTPS remotes never need the file. A missing
  /// file trusts no host; one that exists but cannot be read is its own error, not "unknown".
  func knownHosts() -> Result<KnownHosts, GitError> {
    let file = credentials.knownHostsFile
    guard FileManager.default.fileExists(atPath: file) else { return .success(KnownHosts("")) }
    do {
      return .success(KnownHosts(try String(contentsOfFile: file, encoding: .utf8)))
    } catch {
      return .failure(GitError(path: file, message: "cannot read the SSH known hosts (RELEASE_GIT_KNOWN_HOSTS): \(error.localizedDescription)"))
    }
  }

  /// Points libgit2's callbacks at this session. The caller keeps the session alive until
  /// the operation returns (`withExtendedLifetime`): libgit2 holds only a raw pointer.
  func bind(_ callbacks: inout git_remote_callbacks) {
    callbacks.credentials = credentialCallback
    callbacks.transfer_progress = transferCallback
    callbacks.push_update_reference = pushUpdateCallback
    callbacks.certificate_check = certificateCallback
    callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
  }

  /// The most specific explanation of a failed operation: a bound we hit or credentials the
  /// remote refused say more than libgit2's generic message.
  func explain(_ libgit2Message: String) -> String {
    if let exceeded = exceededBytes {
      return "the remote sent more than \(maxBytes / (1 << 20)) MiB (\(exceeded) bytes received); refusing to fetch it (RELEASE_GIT_MAX_MIB raises the bound)"
    }
    if let refused = refusedHostKey { return refused }
    if let refused = refusedCredentials { return "authentication failed: \(refused)" }
    return libgit2Message
  }
}

private func session(_ payload: UnsafeMutableRawPointer?) -> RemoteSession? {
  payload.map { Unmanaged<RemoteSession>.fromOpaque($0).takeUnretainedValue() }
}

private func credentialCallback(
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, _ url: UnsafePointer<CChar>?, _ user: UnsafePointer<CChar>?,
  _ allowed: UInt32, _ payload: UnsafeMutableRawPointer?
) -> Int32 {
  guard let session = session(payload) else { return GIT_PASSTHROUGH.rawValue }
  let credentials = session.credentials
  // libgit2 asks again after every refusal; answering with the same secret would loop forever.
  session.credentialRequests += 1
  if session.credentialRequests > 1 {
    session.refusedCredentials = credentials.refusal(allowed: allowed)
    return GIT_EUSER.rawValue
  }
  let username = user.map { String(cString: $0) } ?? "git"
  if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
    if let key = credentials.sshKey { return git_credential_ssh_key_new(out, username, nil, key, credentials.passphrase) }
    return git_credential_ssh_key_from_agent(out, username)
  }
  if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
    guard let token = credentials.token else {
      session.refusedCredentials = credentials.refusal(allowed: allowed)
      return GIT_EUSER.rawValue
    }
    // Hosts ignore the user name for token auth, but it must not be empty.
    return git_credential_userpass_plaintext_new(out, user.map { String(cString: $0) } ?? "x-access-token", token)
  }
  return GIT_PASSTHROUGH.rawValue
}

private func transferCallback(_ stats: UnsafePointer<git_indexer_progress>?, _ payload: UnsafeMutableRawPointer?) -> Int32 {
  guard let stats, let session = session(payload) else { return 0 }
  let received = stats.pointee.received_bytes
  guard received > session.maxBytes else { return 0 }
  session.exceededBytes = received
  return GIT_EUSER.rawValue
}

private func pushUpdateCallback(_ refname: UnsafePointer<CChar>?, _ status: UnsafePointer<CChar>?, _ payload: UnsafeMutableRawPointer?) -> Int32 {
  if let status, let session = session(payload) { session.rejectedPush = String(cString: status) }
  return 0
}

private func certificateCallback(
  _ cert: UnsafeMutablePointer<git_cert>?, _ valid: Int32, _ host: UnsafePointer<CChar>?, _ payload: UnsafeMutableRawPointer?
) -> Int32 {
  // TLS certificates keep libgit2's own verification against the system's CAs.
  guard let cert, let session = session(payload), cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
  let name = host.map { String(cString: $0) } ?? "?"
  let shown = session.sshPort.map { "[\(name)]:\($0)" } ?? name
  let hostkey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
  guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
    session.refusedHostKey = "the SSH server \(shown) sent no host key to check"
    return GIT_EUSER.rawValue
  }
  let key = Data(bytes: raw, count: hostkey.hostkey_len)
  let file = session.credentials.knownHostsFile
  let knownHosts: KnownHosts
  switch session.knownHosts() {
  case .success(let hosts): knownHosts = hosts
  case .failure(let error):
    session.refusedHostKey = error.description
    return GIT_EUSER.rawValue
  }
  switch knownHosts.verify(host: name, port: session.sshPort, key: key) {
  case .trusted: return 0
  case .unknownHost:
    session.refusedHostKey = "the SSH host \(shown) is not in \(file) (RELEASE_GIT_KNOWN_HOSTS): add its key, e.g. from ssh-keyscan, after checking it"
  case .mismatch:
    session.refusedHostKey = "the SSH host \(shown) sent a key that differs from the one in \(file): refusing (a changed server, or someone in between)"
  case .revoked:
    session.refusedHostKey = "the SSH host \(shown) sent a key marked @revoked in \(file)"
  }
  return GIT_EUSER.rawValue
}
