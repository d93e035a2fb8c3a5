internal import CLibGit2
internal import Foundation

/// Where credentials for a remote come from: the environment, never a file in the repo.
/// `RELEASE_GIT_TOKEN` for HTTPS (sent as a password), `RELEASE_GIT_SSH_KEY` (a private key
/// file, `RELEASE_GIT_SSH_PASSPHRASE` optional) or the SSH agent for SSH.
struct RemoteCredentials {
  var token: String?
  var sshKey: String?
  var passphrase: String?

  static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RemoteCredentials {
    RemoteCredentials(token: environment["RELEASE_GIT_TOKEN"], sshKey: environment["RELEASE_GIT_SSH_KEY"], passphrase: environment["RELEASE_GIT_SSH_PASSPHRASE"])
  }
}

/// libgit2 asks through a C callback; this is what it gets to answer with.
private final class CredentialPayload {
  let credentials: RemoteCredentials
  var rejected: String?
  init(_ credentials: RemoteCredentials) { self.credentials = credentials }
}

private func credentialCallback(
  _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, _ url: UnsafePointer<CChar>?, _ user: UnsafePointer<CChar>?,
  _ allowed: UInt32, _ payload: UnsafeMutableRawPointer?
) -> Int32 {
  guard let payload else { return GIT_PASSTHROUGH.rawValue }
  let credentials = Unmanaged<CredentialPayload>.fromOpaque(payload).takeUnretainedValue().credentials
  let username = user.map { String(cString: $0) } ?? "git"
  if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
    if let key = credentials.sshKey { return git_credential_ssh_key_new(out, username, nil, key, credentials.passphrase) }
    return git_credential_ssh_key_from_agent(out, username)
  }
  if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let token = credentials.token {
    return git_credential_userpass_plaintext_new(out, user.map { String(cString: $0) } ?? "x-access-token", token)
  }
  return GIT_PASSTHROUGH.rawValue
}

private func pushUpdateCallback(_ refname: UnsafePointer<CChar>?, _ status: UnsafePointer<CChar>?, _ payload: UnsafeMutableRawPointer?) -> Int32 {
  if let status, let payload {
    Unmanaged<CredentialPayload>.fromOpaque(payload).takeUnretainedValue().rejected = String(cString: status)
  }
  return 0
}

/// How a push ended: accepted, or refused because the remote moved (never forced).
public enum PushResult: Sendable, Equatable {
  case pushed
  case rejected(String)
}

extension GitRepository {
  /// The checked-out branch's short name (`main`); nil when HEAD is detached.
  public func currentBranch() throws(GitError) -> String? {
    var head: OpaquePointer?
    guard git_repository_head(&head, handle) == 0, let head else { return nil }
    defer { git_reference_free(head) }
    guard git_reference_is_branch(head) == 1, let name = git_reference_shorthand(head) else { return nil }
    return String(cString: name)
  }

  /// Pushes `branch` to the same branch of `remote`, fast-forward only.
  public func push(branch: String, remote name: String = "origin") throws(GitError) -> PushResult {
    let remote = try lookup(name)
    defer { git_remote_free(remote) }
    let payload = CredentialPayload(RemoteCredentials.fromEnvironment())
    let unmanaged = Unmanaged.passRetained(payload)
    defer { unmanaged.release() }
    var options = git_push_options()
    git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
    options.callbacks.credentials = credentialCallback
    options.callbacks.push_update_reference = pushUpdateCallback
    options.callbacks.payload = unmanaged.toOpaque()
    let refspec = "refs/heads/\(branch):refs/heads/\(branch)"
    let result: Int32 = refspec.withCString { cString in
      var pointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: cString)
      return withUnsafeMutablePointer(to: &pointer) { strings in
        var array = git_strarray(strings: strings, count: 1)
        return git_remote_push(remote, &array, &options)
      }
    }
    if result == GIT_ENONFASTFORWARD.rawValue || result == GIT_EUNMERGED.rawValue { return .rejected(Self.lastError()) }
    guard result == 0 else {
      let message = Self.lastError()
      // Local and smart transports word a moved remote differently; both mean "fetch first".
      if message.contains("non-fast") || message.contains("fastforward") || message.contains("fast-forward") { return .rejected(message) }
      throw GitError(path: path, message: "pushing \(branch) to \(name): \(message)")
    }
    if let rejected = payload.rejected { return .rejected(rejected) }
    return .pushed
  }

  /// Fetches `remote` and returns the SHA its `branch` now points at.
  public func fetch(branch: String, remote name: String = "origin") throws(GitError) -> String {
    let remote = try lookup(name)
    defer { git_remote_free(remote) }
    let payload = Unmanaged.passRetained(CredentialPayload(RemoteCredentials.fromEnvironment()))
    defer { payload.release() }
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    options.callbacks.credentials = credentialCallback
    options.callbacks.payload = payload.toOpaque()
    guard git_remote_fetch(remote, nil, &options, nil) == 0 else { throw GitError(path: path, message: "fetching \(name): \(Self.lastError())") }
    return try resolve("refs/remotes/\(name)/\(branch)")
  }

  /// Moves the checked-out branch, index and working tree to `commit` (the tree must be clean:
  /// callers check first, so nothing of the user's is lost).
  public func resetHard(to commit: String) throws(GitError) {
    var oid = git_oid()
    guard git_oid_fromstr(&oid, commit) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var object: OpaquePointer?
    guard git_object_lookup(&object, handle, &oid, GIT_OBJECT_COMMIT) == 0, let object else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_object_free(object) }
    guard git_reset(handle, object, GIT_RESET_HARD, nil) == 0 else { throw GitError(path: path, message: Self.lastError()) }
  }

  private func lookup(_ name: String) throws(GitError) -> OpaquePointer {
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, handle, name) == 0, let remote else { throw GitError(path: path, message: "no remote \(name): \(Self.lastError())") }
    return remote
  }
}
