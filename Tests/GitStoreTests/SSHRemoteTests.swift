import Foundation
import GitStore
import Testing

/// Cloning over SSH against a real sshd: the key from RELEASE_GIT_SSH_KEY, and the server's
/// host key checked against known_hosts (libgit2 1.5 itself would accept any).
@Suite(.enabled(if: SSHServer.available, "needs root and /usr/sbin/sshd (scripts/bootstrap installs it)"))
struct SSHRemoteTests {
  @Test func clonesWithTheKeyAndOnlyFromAKnownHost() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (remote, head) = try scratch.makeRemote()
    let server = try SSHServer(directory: scratch.root + "/ssh")
    defer { server.stop() }
    let url = server.url(remote)
    func attempt(_ environment: [String: String]) -> Result<RepositoryMirror.Update, GitError> {
      let mirror = RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 64 << 20, environment: environment)
      do { return .success(try mirror.update(url: url, branch: nil)) } catch { return .failure(error) }
    }
    let key = ["RELEASE_GIT_SSH_KEY": server.clientKey, "HOME": scratch.root]

    let trusted = key.merging(["RELEASE_GIT_KNOWN_HOSTS": server.knownHosts]) { $1 }
    let first = attempt(trusted)
    guard case .success(let cloned) = first else { Issue.record("\(first)"); return }
    #expect(cloned.cloned && cloned.commit == head)
    let next = try scratch.pushChange("environments/staging/kustomization.yaml", "resources: [c.yaml]\n")
    guard case .success(let fetched) = attempt(trusted) else { Issue.record("fetch failed"); return }
    #expect(!fetched.cloned && fetched.commit == next)
    // No known_hosts entry: refused before any credential is offered.
    guard case .failure(let unknown) = attempt(key) else { Issue.record("cloned from an unknown host"); return }
    #expect(unknown.message.contains("is not in \(scratch.root)/.ssh/known_hosts"), "\(unknown.message)")

    // A known_hosts that cannot be read is said so, not taken for an empty one.
    guard case .failure(let unreadable) = attempt(key.merging(["RELEASE_GIT_KNOWN_HOSTS": scratch.root]) { $1 }) else {
      Issue.record("cloned with an unreadable known_hosts"); return
    }
    #expect(unreadable.message.contains("cannot read the SSH known hosts"), "\(unreadable.message)")

    // Listed with another key: someone in between.
    let other = scratch.root + "/other_known_hosts"
    try "[127.0.0.1]:\(server.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
      .write(toFile: other, atomically: true, encoding: .utf8)
    guard case .failure(let mismatch) = attempt(key.merging(["RELEASE_GIT_KNOWN_HOSTS": other]) { $1 }) else {
      Issue.record("cloned from a host whose key changed"); return
    }
    #expect(mismatch.message.contains("differs from the one in"), "\(mismatch.message)")

    // A key the server does not authorize.
    guard case .failure(let refused) = attempt(["RELEASE_GIT_SSH_KEY": server.strangerKey, "RELEASE_GIT_KNOWN_HOSTS": server.knownHosts])
    else { Issue.record("cloned with an unauthorized key"); return }
    #expect(refused.message.contains("RELEASE_GIT_SSH_KEY") || refused.message.contains("authentication"), "\(refused.message)")

  }
}
