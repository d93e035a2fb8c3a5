internal import Diff
public import EnvironmentRepo
internal import Foundation
internal import GitStore
public import Kube
internal import Manifest
public import Promotion
public import Rollout

/// `release promote FROM TO`: check FROM is fit to be promoted, copy its pins into TO's
/// kustomization.yaml as a surgical text edit, commit it with a `Promoted-From` trailer.
/// Applying TO afterwards is the apply command's job.
public enum PromotionWorkflow {
  public struct Change: Sendable, Equatable {
    public var pin: String
    public var from: String
    public var to: String
  }

  public struct Plan: Sendable {
    public var file: String
    public var before: String
    public var after: String
    public var changes: [Change]
    /// FROM's pins as they were read: what a retry applies again on a moved TO file.
    public var sourcePins: [PinSet.Pin]
    /// `--digest`: each image's digest and the pods it was read from, for the commit message.
    public var digests: [PinnedDigest] = []
  }

  /// An image pinned by the digest that ran in FROM.
  public struct PinnedDigest: Sendable, Equatable {
    public var image: String
    public var digest: String
    public var pods: [String]
  }

  static let kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

  static func kustomization(of environment: String, in repository: EnvironmentRepository) throws(ReleaseFailure) -> String {
    let directory: String
    do {
      directory = try repository.directory(of: environment)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    for name in kustomizationNames where FileManager.default.fileExists(atPath: directory + "/" + name) { return directory + "/" + name }
    throw ReleaseFailure.badInput("\(repository.relative(directory)): no kustomization.yaml")
  }

  /// FROM's pins (as FROM's release.yaml names them) against TO's file.
  public static func plan(from: EnvironmentContext, to: EnvironmentContext) throws(ReleaseFailure) -> Plan {
    try plan(pins: try sourcePins(of: from).pins, config: from.config.pins, into: to.name, repository: to.repository)
  }

  /// FROM's pins as its own kustomization.yaml writes them.
  public static func sourcePins(of from: EnvironmentContext) throws(ReleaseFailure) -> PinSet {
    let repository = from.repository
    let sourceFile = try kustomization(of: from.name, in: repository)
    let sourceText: String
    do {
      sourceText = try String(contentsOfFile: sourceFile, encoding: .utf8)
    } catch {
      throw ReleaseFailure.badInput("cannot read \(repository.relative(sourceFile)): \(error.localizedDescription)")
    }
    do {
      return try PinSet.read(sourceText, file: repository.relative(sourceFile), config: from.config.pins)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  /// The pinned images of FROM and the repository each renders to (`newName` if it sets one):
  /// what `--digest` looks for in FROM's pods.
  public static func pinnedImages(_ source: PinSet) -> [(name: String, repository: String)] {
    source.imageEntries.map { entry in (entry.name, source["image \(entry.name) newName"]?.value ?? entry.name) }
  }

  /// `--digest`: the plan that pins TO by the digests FROM's pods run, read in each of FROM's
  /// clusters (labelled when there are several: all of them must agree).
  public static func digestPlan(
    from source: EnvironmentContext, sessions: [(cluster: String?, session: ClusterSession)], into to: String
  ) async throws -> Plan {
    let pins = try sourcePins(of: source)
    let images = pinnedImages(pins)
    let rendered = source.objects
    var observed: [String: [RunningDigest.Observation]] = [:]
    for (cluster, session) in sessions {
      let found = try await session.run { api, _ in
        var found: [String: [RunningDigest.Observation]] = [:]
        for (name, repository) in images {
          found[name] = try await RunningDigestReader.observations(of: repository, in: rendered, cluster: cluster, api: api)
        }
        return found
      }
      observed.merge(found) { $0 + $1 }
    }
    let pinned = try pinningDigests(pins, observed: observed, from: source.name)
    var plan = try plan(pins: pinned.pins, config: source.config.pins, into: to, repository: source.repository)
    plan.digests = pinned.digests
    return plan
  }

  /// `--digest`: FROM's pins with each pinned image's `digest` set to the one digest its ready
  /// pods agree on (exit 5 naming pods and digests otherwise). The tag is still copied: see
  /// `plan(pins:…)` for the entry's shape.
  public static func pinningDigests(
    _ source: PinSet, observed: [String: [RunningDigest.Observation]], from: String
  ) throws(ReleaseFailure) -> (pins: [PinSet.Pin], digests: [PinnedDigest]) {
    var pins = source.pins
    var digests: [PinnedDigest] = []
    for (name, repository) in pinnedImages(source) {
      let observations = observed[name] ?? []
      let digest: String
      do {
        digest = try RunningDigest.agreed(observations, image: repository, from: from)
      } catch {
        throw ReleaseFailure(exit: .blocked, message: "\(error)")
      }
      let pin = PinSet.Pin(name: "image \(name) digest", value: digest, position: nil)
      if let index = pins.firstIndex(where: { $0.name == pin.name }) { pins[index] = pin } else { pins.append(pin) }
      digests.append(PinnedDigest(image: repository, digest: digest, pods: observations.map(\.pod).sorted()))
    }
    return (pins, digests)
  }

  /// The given pin values written into TO's file as it is on disk now.
  public static func plan(pins: [PinSet.Pin], config: PinsConfig, into to: String, repository: EnvironmentRepository) throws(ReleaseFailure) -> Plan {
    let targetFile = try kustomization(of: to, in: repository)
    let targetText: String
    do {
      targetText = try String(contentsOfFile: targetFile, encoding: .utf8)
    } catch {
      throw ReleaseFailure.badInput("cannot read \(repository.relative(targetFile)): \(error.localizedDescription)")
    }
    do {
      let target = try PinSet.read(targetText, file: repository.relative(targetFile), config: config)
      var changes: [Change] = []
      var edits: [PinEdit.Change] = []
      var additions: [PinEdit.Addition] = []
      let file = repository.relative(targetFile)
      for pin in pins {
        let key = pin.name.split(separator: " ")
        guard let current = target[pin.name], let position = current.position else {
          // A digest is added to TO's entry beside its tag: kustomize renders `newTag` and
          // `digest` together as `name:tag@sha256:…` (checked with `kubectl kustomize`), the
          // runtime pulls by the digest alone, and the tag stays for people to read (`release
          // status`, `kubectl get pods`) and says which version the digest was promoted as.
          if key.first == "image", key.last == "digest", let end = target.entryEnd(ofImage: String(key[1])) {
            changes.append(Change(pin: pin.name, from: "(none)", to: pin.value))
            additions.append(PinEdit.Addition(after: end, key: "digest", value: pin.value))
            continue
          }
          throw PromotionError.nowhereToPin(file: file, pin: pin.name)
        }
        guard current.value != pin.value else { continue }
        changes.append(Change(pin: pin.name, from: current.value, to: pin.value))
        // A literal is one scalar, KEY=VALUE: the key stays, the value changes.
        let written = key.first == "configMap" ? "\(key.last ?? "")=\(pin.value)" : pin.value
        edits.append(PinEdit.Change(line: position.line, column: position.column, value: written))
      }
      // A digest wins over the tag, so a new tag alone would not change what TO runs.
      for entry in target.imageEntries {
        let digestPin = "image \(entry.name) digest"
        if let pinned = target[digestPin], !pins.contains(where: { $0.name == digestPin }),
          changes.contains(where: { $0.pin.hasPrefix("image \(entry.name) ") })
        {
          throw PromotionError.badFile(
            file, "images \(entry.name): pinned by digest (\(pinned.value)), so a new tag alone would not change what runs: promote with --digest, or remove the digest")
        }
      }
      let after = try PinEdit.apply(edits, adding: additions, to: targetText, file: file)
      return Plan(file: targetFile, before: targetText, after: after, changes: changes, sourcePins: pins)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  /// Why FROM should not be promoted now: not deployed from the checked-out commit, deployed
  /// from a dirty tree, or live differs from it (drift or a failed rollout).
  public static func refusals(_ from: EnvironmentContext, api: any KubeAPI) async throws(ReleaseFailure) -> [String] {
    let records = try await HistoryWorkflow.records(from, api: api)
    guard let current = records.first(where: { $0.status == .deployed }) else { return ["\(from.name) has no deployed release"] }
    var reasons: [String] = []
    if let newest = records.first, newest.revision != current.revision {
      reasons.append("its newest release, revision \(newest.revision), is \(newest.status.rawValue)")
    }
    if current.dirty { reasons.append("revision \(current.revision) was applied from a dirty tree") }
    if let head = from.source.commit, current.commit != head {
      reasons.append("revision \(current.revision) was applied from \(current.commit.map { String($0.prefix(12)) } ?? "no commit"), not the checked-out \(head.prefix(12))")
    }
    let changes = try await DiffWorkflow.changes(from, api: api)
    if changes.hasChanges {
      reasons.append("the cluster differs from git in \(changes.changed.count) object(s) (see `release diff \(from.name)`)")
    }
    return reasons
  }

  /// Writes the edit and commits it; returns the new commit.
  public static func commit(_ plan: Plan, from: EnvironmentContext, to: String) throws(ReleaseFailure) -> String {
    let repository: GitRepository
    do {
      guard let found = try GitRepository.discover(at: from.repository.root) else {
        throw ReleaseFailure.badInput("\(from.repository.root) is not a git repository: promotion commits its change")
      }
      repository = found
      guard try !repository.isDirty() else {
        throw ReleaseFailure.badInput("the environment repo has uncommitted changes: commit or stash them first, so the promotion commit holds only the pins")
      }
    } catch let error as ReleaseFailure {
      throw error
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    do {
      try Data(plan.after.utf8).write(to: URL(fileURLWithPath: plan.file), options: .atomic)
    } catch {
      throw ReleaseFailure.badInput("\(plan.file): cannot write: \(error.localizedDescription)")
    }
    let message = Self.message(plan, from: from, to: to)
    do {
      return try repository.commit(files: [plan.file], message: message)
    } catch {
      // Nothing half-done: the file goes back as it was, or the message says it did not.
      do {
        try Data(plan.before.utf8).write(to: URL(fileURLWithPath: plan.file), options: .atomic)
      } catch let restore {
        throw ReleaseFailure.badInput("committing the promotion: \(error); and \(plan.file) could not be put back (\(restore.localizedDescription)): restore it with git checkout")
      }
      throw ReleaseFailure.badInput("committing the promotion: \(error)")
    }
  }

  static func message(_ plan: Plan, from: EnvironmentContext, to: String) -> String {
    var body = plan.changes.map { "- \($0.pin): \($0.from) → \($0.to)" }.joined(separator: "\n")
    if !plan.digests.isEmpty {
      body += "\n\nDigests as they ran in \(from.name):\n"
        + plan.digests.map { "- \($0.image)@\($0.digest) (\($0.pods.joined(separator: ", ")))" }.joined(separator: "\n")
    }
    return "Promote \(from.name) to \(to)\n\n" + body + "\n\nPromoted-From: \(from.name)@\(from.source.commit ?? "uncommitted")\n"
  }

  /// Pushes the promotion commit. A push refused because the remote moved is fetched, the
  /// pins are written again on top of what the remote has (the promotion is our one commit,
  /// so that is a rebase), committed, and pushed again; never forced. The branch may hold no
  /// other unpushed commit (checked before the promotion is made).
  public static func push(_ plan: Plan, from: EnvironmentContext, to: String, attempts: Int = 3, note: (String) -> Void) throws(ReleaseFailure) -> String {
    do {
      guard let repository = try GitRepository.discover(at: from.repository.root), let branch = try repository.currentBranch() else {
        throw ReleaseFailure.badInput("--push: HEAD is not on a branch")
      }
      var current = plan
      var commit = try repository.resolve("HEAD")
      for attempt in 1...attempts {
        switch try repository.push(branch: branch) {
        case .pushed:
          return commit
        case .rejected(let why):
          guard attempt < attempts else { throw ReleaseFailure(exit: .blocked, message: "--push: the remote kept moving (\(why)); nothing was forced: pull and promote again") }
          note("push refused (\(why)): fetching, writing the pins again on top of origin/\(branch), retrying")
          let upstream = try repository.fetch(branch: branch)
          try repository.resetHard(to: upstream)
          current = try Self.plan(pins: plan.sourcePins, config: from.config.pins, into: to, repository: from.repository)
          current.digests = plan.digests
          guard !current.changes.isEmpty else { return upstream }  // someone promoted the same pins meanwhile
          try Data(current.after.utf8).write(to: URL(fileURLWithPath: current.file), options: .atomic)
          commit = try repository.commit(files: [current.file], message: Self.message(current, from: from, to: to))
        }
      }
      return commit
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("--push: \(error)")
    }
  }

  /// With `--push` the branch must hold nothing unpushed besides the promotion, so a retry
  /// can rebuild it on the remote's head without losing anyone's work.
  public static func checkPushable(_ from: EnvironmentContext) throws(ReleaseFailure) {
    do {
      guard let repository = try GitRepository.discover(at: from.repository.root), let branch = try repository.currentBranch() else {
        throw ReleaseFailure.badInput("--push: HEAD is not on a branch")
      }
      let tracking = try repository.resolve("refs/remotes/origin/\(branch)")
      guard try repository.resolve("HEAD") == tracking else {
        throw ReleaseFailure.badInput("--push: \(branch) differs from origin/\(branch) (unpushed or unpulled commits): push or pull first")
      }
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("--push: \(error)")
    }
  }

  /// Puts TO's file back as it was before the promotion and commits that, after the promoted
  /// version was rolled back (release.yaml `rollout.afterRollback: revert`).
  public static func revert(_ plan: Plan, promotion: String, from: String, to: String, repositoryRoot: String) throws(ReleaseFailure) -> String {
    do {
      guard let repository = try GitRepository.discover(at: repositoryRoot) else { throw ReleaseFailure.badInput("\(repositoryRoot) is not a git repository") }
      try Data(plan.before.utf8).write(to: URL(fileURLWithPath: plan.file), options: .atomic)
      return try repository.commit(
        files: [plan.file],
        message: "Revert \"Promote \(from) to \(to)\"\n\nThe promoted version was rolled back automatically in \(to).\n\nReverts: \(promotion)\n")
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("reverting the promotion: \(error)")
    }
  }

  /// `diff -u` of the edit, for the user to read before it is committed.
  public static func fileDiff(_ plan: Plan, relativeTo repository: EnvironmentRepository) -> String {
    let name = repository.relative(plan.file)
    var lines = ["--- a/\(name)", "+++ b/\(name)"]
    for hunk in UnifiedDiff.hunks(old: plan.before, new: plan.after) {
      for line in hunk {
        switch line {
        case .context(let text): lines.append(" " + text)
        case .removed(let text): lines.append("-" + text)
        case .added(let text): lines.append("+" + text)
        }
      }
    }
    return lines.joined(separator: "\n")
  }
}
