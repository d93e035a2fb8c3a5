import Foundation
import GitStore
import Testing

@Suite struct RepositoryMirrorTests {
  @Test func clonesOnceThenOnlyFetches() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (remote, first) = try scratch.makeRemote()
    let mirror = RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 64 << 20, environment: [:])

    let cloned = try mirror.update(url: "file://" + remote, branch: nil)
    #expect(cloned.cloned && cloned.branch == "main" && cloned.commit == first)

    let second = try scratch.pushChange("environments/staging/kustomization.yaml", "resources: [a.yaml]\n")
    let fetched = try mirror.update(url: "file://" + remote, branch: nil)
    #expect(!fetched.cloned && fetched.commit == second && fetched.path == cloned.path)

    // The mirror's HEAD follows, so HEAD-based reads see the fetched commit; it has no working tree.
    let repository = try #require(try GitRepository.open(exactly: fetched.path))
    let head = try repository.headCommit()
    let dirty = try repository.isDirty()
    #expect(repository.isBare && head == second && !dirty)
    #expect(!FileManager.default.fileExists(atPath: fetched.path + "/environments"))
  }

  @Test func followsANamedBranchAndNamesAMissingOne() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (remote, _) = try scratch.makeRemote()
    let release = try scratch.pushChange("environments/prod/kustomization.yaml", "resources: []\n", branch: "release")
    let mirror = RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 64 << 20, environment: [:])
    let followed = try mirror.update(url: remote, branch: "release")
    #expect(followed.commit == release)
    #expect(throws: GitError.self) { try mirror.update(url: remote, branch: "nope") }
    do {
      _ = try mirror.update(url: remote, branch: "nope")
    } catch {
      #expect(error.message == "no branch nope on the remote")
    }
  }

  @Test func refusesATransferOverTheBoundAndKeepsNothing() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (remote, _) = try scratch.makeRemote()
    // Random bytes do not compress: the pack is as large as the file.
    let noise = (0..<300_000).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
    _ = try scratch.pushChange("environments/staging/big.txt", noise)
    let mirror = RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 100_000, environment: [:])
    do {
      _ = try mirror.update(url: remote, branch: nil)
      Issue.record("a remote over the bound was cloned")
    } catch {
      #expect(error.message.contains("the remote sent more than"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.root + "/cache").filter { !$0.hasSuffix(".lock") }
    #expect(left.isEmpty, "a refused clone left \(left)")
  }

  @Test func replacesWhatAKilledCloneLeftBehind() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (remote, head) = try scratch.makeRemote()
    let mirror = RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 64 << 20, environment: [:])
    let path = try mirror.update(url: remote, branch: nil).path
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path + "/objects", withIntermediateDirectories: true)
    let again = try mirror.update(url: remote, branch: nil)
    #expect(again.cloned && again.commit == head)
  }

  @Test func authenticatesOverHTTPWithTheTokenFromTheEnvironment() throws {
    let scratch = try GitScratch()
    defer { scratch.remove() }
    let (_, head) = try scratch.makeRemote()
    let server = try GitHTTPServer(projectRoot: scratch.root, token: "s3cret-token")
    defer { server.stop() }
    let url = server.url("remote.git")
    func mirror(_ environment: [String: String]) -> RepositoryMirror {
      RepositoryMirror(cacheDirectory: scratch.root + "/cache", maxBytes: 64 << 20, environment: environment)
    }

    for (environment, expected) in [
      ([:], "the remote asks for credentials: set RELEASE_GIT_TOKEN"),
      (["RELEASE_GIT_TOKEN": "wrong"], "the remote refused the token in RELEASE_GIT_TOKEN"),
    ] {
      do {
        _ = try mirror(environment).update(url: url, branch: nil)
        Issue.record("cloned with \(environment)")
      } catch {
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.description.contains("wrong"))
      }
    }
    let good = mirror(["RELEASE_GIT_TOKEN": "s3cret-token"])
    let cloned = try good.update(url: url, branch: nil)
    #expect(cloned.commit == head)
    let second = try scratch.pushChange("environments/staging/kustomization.yaml", "resources: [b.yaml]\n")
    let fetched = try good.update(url: url, branch: nil)
    #expect(!fetched.cloned && fetched.commit == second)
  }

  @Test func urlsAreRecognisedAndCredentialsNeverShown() {
    #expect(RemoteURL.isRemote("https://github.com/org/env.git"))
    #expect(RemoteURL.isRemote("git@github.com:org/env.git"))
    #expect(RemoteURL.isRemote("ssh://git@host:2222/env.git"))
    #expect(RemoteURL.isRemote("file:///srv/env.git"))
    #expect(!RemoteURL.isRemote("./environments"))
    #expect(!RemoteURL.isRemote("/home/me/env-repo"))
    #expect(!RemoteURL.isRemote("dir/user@host:x"))
    #expect(RemoteURL.redacted("https://x-access-token:ghp_123@github.com/org/env.git") == "https://***@github.com/org/env.git")
    #expect(RemoteURL.redacted("https://ghp_123@github.com/org/env.git") == "https://***@github.com/org/env.git")
    #expect(RemoteURL.redacted("ssh://git@host/env.git") == "ssh://git@host/env.git")
    #expect(RemoteURL.redacted("https://github.com/a@b/env.git") == "https://github.com/a@b/env.git")
  }
}
