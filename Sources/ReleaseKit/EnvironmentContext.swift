public import EnvironmentRepo
internal import Foundation
public import GitStore
public import Manifest
public import Rollout

/// Everything a command knows about one environment before it touches a cluster: its validated
/// release.yaml, its rendered objects, and the commit it comes from.
public struct EnvironmentContext: Sendable {
  public var repository: EnvironmentRepository
  public var name: String
  public var config: EnvironmentConfig
  public var objects: [Value]
  public var source: ReleaseSource

  /// Validates release.yaml and renders; any problem is bad input (exit 2) naming the file.
  public static func load(_ name: String, repository: EnvironmentRepository) async throws(ReleaseFailure) -> EnvironmentContext {
    let config: EnvironmentConfig
    do {
      config = try repository.config(of: name)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    let rendered: EnvironmentRender
    do {
      rendered = try await EnvironmentRenderer(repository: repository).render(environment: name)
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    return EnvironmentContext(
      repository: repository, name: name, config: config, objects: rendered.objects, source: try Self.source(repository))
  }

  /// The environment as commit `revision` holds it (`--at REV`): rendered from the commit's
  /// tree, not the working tree; its source is that commit, clean.
  public static func load(_ name: String, repository: EnvironmentRepository, at revision: String) async throws(ReleaseFailure) -> EnvironmentContext {
    let snapshot: GitTreeSnapshot
    do {
      guard let git = try GitRepository.discover(at: repository.root) else {
        throw ReleaseFailure.badInput("--at \(revision): \(repository.root) is not a git repository")
      }
      snapshot = try git.snapshot(at: revision)
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("--at \(revision): \(error)")
    }
    let atCommit = EnvironmentRepository(root: repository.root, fileSystem: GitTreeFileSystem(root: repository.root, snapshot: snapshot))
    var context = try await load(name, repository: atCommit)
    context.source = ReleaseSource(commit: snapshot.commit, dirty: false, appliedBy: Self.whoAmI(), holderIsGone: Self.isGoneLocally)
    return context
  }

  static func source(_ repository: EnvironmentRepository) throws(ReleaseFailure) -> ReleaseSource {
    var commit: String?
    var dirty = false
    do {
      if let git = try GitRepository.discover(at: repository.root) {
        commit = try git.headCommit()
        dirty = try git.isDirty()
      }
    } catch {
      throw ReleaseFailure.badInput("reading the environment repo's git state: \(error)")
    }
    return ReleaseSource(commit: commit, dirty: dirty, appliedBy: Self.whoAmI(), holderIsGone: Self.isGoneLocally)
  }

  /// A holder `user@thishost (pid N)` whose process no longer exists was killed: its lock need
  /// not be waited out. Holders on other hosts are never judged from here.
  @Sendable static func isGoneLocally(_ holder: String) -> Bool {
    let host = ProcessInfo.processInfo.hostName
    guard let at = holder.firstIndex(of: "@"), let open = holder.range(of: " (pid "), holder.hasSuffix(")"),
      holder[holder.index(after: at)..<open.lowerBound] == host,
      let pid = Int32(holder[open.upperBound..<holder.index(before: holder.endIndex)])
    else { return false }
    return !SimServerRecord.isAlive(pid)
  }

  /// user@host (pid N), for the lock and the record.
  static func whoAmI() -> String {
    let env = ProcessInfo.processInfo.environment
    let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
    let user = env["USER"] ?? env["LOGNAME"] ?? account ?? "uid\(getuid())"
    return "\(user)@\(ProcessInfo.processInfo.hostName) (pid \(getpid()))"
  }

  public var settings: ApplySettings {
    ApplySettings(prune: config.prune, recordNamespace: config.records.namespace, historyMax: config.records.historyMax, rollout: config.rollout)
  }
}
