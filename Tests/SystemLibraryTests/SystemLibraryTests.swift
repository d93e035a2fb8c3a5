import CCurl
import CLibGit2
import Testing

/// These link and call the real C libraries, proving the bootstrap installed them.
@Suite struct SystemLibraryTests {
  @Test func libcurlReportsItsVersionAndSupportsTLS() throws {
    let info = try #require(curl_version_info(CURLVERSION_TENTH))
    let version = String(cString: info.pointee.version)
    #expect(version.split(separator: ".").count == 3)
    #expect(info.pointee.features & Int32(CURL_VERSION_SSL) != 0)
    let handle = try #require(curl_easy_init())
    defer { curl_easy_cleanup(handle) }
    #expect(release_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, 1000) == CURLE_OK)
  }

  @Test func libgit2InitializesAndCreatesARepository() throws {
    #expect(git_libgit2_init() >= 1)
    defer { git_libgit2_shutdown() }
    var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
    #expect(git_libgit2_version(&major, &minor, &patch) == 0)
    #expect(major >= 1)
    let dir = "/tmp/release-libgit2-test-\(getpid())"
    var repo: OpaquePointer?
    #expect(git_repository_init(&repo, dir, 0) == 0)
    defer { git_repository_free(repo) }
    let path = try #require(git_repository_workdir(repo))
    #expect(String(cString: path).hasPrefix(dir))
  }
}

#if canImport(Glibc)
  import Glibc
#endif
