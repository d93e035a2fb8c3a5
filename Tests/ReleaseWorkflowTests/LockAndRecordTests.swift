import Diff
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

@Suite struct LockAndRecordTests {
  static let lease = ResourceID(
    gvk: GroupVersionKind(group: "coordination.k8s.io", version: "v1", kind: "Lease"), namespace: "llm-staging", name: "release-lock.staging")

  @Test(arguments: Route.allCases)
  func twoConcurrentAppliesOneIsBlocked(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let bumped = context.objects.map { object -> Value in
      guard object.kind == "Deployment" else { return object }
      var copy = object
      copy[path: ["spec", "template", "metadata", "annotations", "bump"]] = "1"
      return copy
    }
    var edited = context
    edited.objects = bumped
    let next = edited
    // Both in one run of the simulation's clock, as two processes would share one cluster.
    let api = harness.api
    let wallClock = harness.wallClock
    let metrics = SimulatedMetrics(sim: harness.sim)
    let results = try await harness.sim.run { clock in
      await withTaskGroup(of: Result<ApplyOutcome, RolloutError>.self) { group in
        for _ in 0..<2 {
          group.addTask {
            do {
              return .success(try await ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: metrics)
                .apply(environment: next.name, rendered: next.objects, source: next.source, settings: next.settings) { _, _ in true })
            } catch let error as RolloutError {
              return .failure(error)
            } catch {
              return .failure(.rolloutFailed(reasons: ["\(error)"]))
            }
          }
        }
        var all: [Result<ApplyOutcome, RolloutError>] = []
        for await result in group { all.append(result) }
        return all
      }
    }
    var blocked = 0
    var applied = 0
    for result in results {
      switch result {
      case .success(.applied): applied += 1
      case .failure(let error):
        if case .locked(_, let holder, _) = error { blocked += 1; #expect(holder.contains("pid")) }
        #expect(error.failure.exit == .blocked, "\(error)")
      default: Issue.record("unexpected \(result)")
      }
    }
    #expect(applied == 1 && blocked == 1)
  }

  @Test func aHeldLockBlocksNamingItsHolderAndAnExpiredOneIsTakenOverWithAWarning() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let holder = EnvironmentLock(api: harness.api, namespace: "llm-staging", environment: "staging", holder: "alice@laptop (pid 7)", wallClock: harness.wallClock)
    #expect(try await holder.acquire() == nil)
    do {
      _ = try await harness.apply(context)
      Issue.record("applied while locked")
    } catch let error as RolloutError {
      #expect(error.description.contains("alice@laptop (pid 7)"))
      #expect(error.failure.exit == .blocked)
    }
    // alice's apply was killed: nobody renews the lease, and after its duration it is free.
    harness.wallClock.advance(61)
    let observer = CollectingObserver()
    let outcome = try await harness.apply(context, observer: observer)
    guard case .applied = outcome else { Issue.record("not applied"); return }
    let warnings = await observer.events.compactMap { event -> String? in if case .warning(let w) = event { return w } else { return nil } }
    #expect(warnings.contains { $0.contains("took over the lock") && $0.contains("alice@laptop") }, "\(warnings)")
    // Released at the end: the holder is cleared.
    #expect(try await harness.api.get(Self.lease)[path: ["spec", "holderIdentity"]] == "")
  }

  @Test(arguments: Route.allCases)
  func aKilledApplyLeavesAPendingRecordThatTheNextApplySupersedes(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    // What a killed apply leaves: its lease (never released) and a pending record, with some
    // objects applied and the rest not.
    let killed = EnvironmentLock(api: harness.api, namespace: "llm-staging", environment: "staging", holder: "bob@ci (pid 99)", wallClock: harness.wallClock)
    _ = try await killed.release()
    let store = ReleaseRecordStore(api: harness.api, namespace: "llm-staging", environment: "staging")
    try await store.create(ReleaseRecord(
      environment: "staging", revision: 2, status: .pending, commit: nil, dirty: false, manifestDigest: "sha256:x",
      startedAt: harness.wallClock.now(), finishedAt: nil, appliedBy: "bob@ci (pid 99)", takeovers: [:], note: "applying", objects: []))
    _ = try await harness.api.delete(
      ResourceID(gvk: GroupVersionKind(group: "networking.k8s.io", version: "v1", kind: "Ingress"), namespace: "llm-staging", name: "vllm"),
      options: DeleteOptions())
    _ = try await killed.acquire()

    harness.wallClock.advance(120)
    let observer = CollectingObserver()
    _ = try await harness.apply(context, observer: observer)
    #expect(!(try await harness.diff(context).hasChanges))
    let history = try await store.all()
    #expect(history.map { "\($0.revision) \($0.status.rawValue)" } == ["3 deployed", "2 superseded", "1 superseded"])
    #expect(history[1].note.contains("interrupted"))
    let superseded = await observer.events.contains { if case .interruptedReleaseSuperseded(2, _, "bob@ci (pid 99)") = $0 { return true } else { return false } }
    #expect(superseded)
  }

  @Test func recordsKeepCommitDigestAndObjectsAndOnlyTheNewestHistoryMax() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    var context = try await WorkflowHarness.example()
    var settings = context.settings
    settings.historyMax = 3
    for bump in 1...5 {
      context.objects = context.objects.map { object in
        guard object.kind == "Deployment" else { return object }
        var copy = object
        copy[path: ["spec", "template", "metadata", "annotations", "bump"]] = .string(String(bump))
        return copy
      }
      _ = try await harness.apply(context, settings: settings)
    }
    let records = try await ReleaseRecordStore(api: harness.api, namespace: "llm-staging", environment: "staging").all()
    #expect(records.map(\.revision) == [5, 4, 3])
    #expect(records.map(\.status) == [.deployed, .superseded, .superseded])
    let newest = try #require(records.first)
    #expect(newest.commit == context.source.commit && newest.commit?.count == 40)
    #expect(newest.objects.count == context.objects.count)
    #expect(newest.manifestDigest.hasPrefix("sha256:"))
    #expect(newest.finishedAt != nil)
    // Records are not tracked objects: they never show up as orphans.
    let after = try await harness.diff(context).changed
    #expect(after.isEmpty)
  }

  @Test func aRecordOverTheObjectLimitIsRefusedBeforeAnyWrite() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    // Random data does not compress: 40 ConfigMaps of 40 KB each.
    var generator = SystemRandomNumberGenerator()
    var files: [String: String] = [:]
    var names: [String] = []
    for i in 0..<40 {
      let blob = (0..<40_000).map { _ in String(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) }.joined()
      files["environments/app/cm\(i).yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big-\(i), namespace: default}\ndata: {blob: \(blob)}\n"
      names.append("cm\(i).yaml")
    }
    files["environments/app/kustomization.yaml"] = "resources: [\(names.joined(separator: ", "))]\n"
    let (context, _) = try await WorkflowHarness.scratch(files)
    do {
      _ = try await harness.apply(context)
      Issue.record("an oversized record was accepted")
    } catch let error as RolloutError {
      guard case .recordTooLarge = error else { Issue.record("\(error)"); return }
      #expect(error.description.contains("not split"))
      #expect(error.failure.exit == .badInput)
    }
    let configMaps = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "default").items
    #expect(!configMaps.contains { $0.name?.hasPrefix("big-") == true })
  }

  @Test func recordsRoundTripThroughTheirSecret() throws {
    let record = ReleaseRecord(
      environment: "staging", revision: 7, status: .failed, commit: String(repeating: "a", count: 40), dirty: true,
      manifestDigest: "sha256:abc", startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_300),
      appliedBy: "me@host (pid 1)",
      takeovers: [ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "ns", name: "vllm"): [Takeover(manager: "kubectl-edit", field: ".spec.replicas")]],
      note: "failed", objects: [["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x"]]])
    let secret = try record.secret(namespace: "ns")
    #expect(secret["type"] == "release.dev/record.v1")
    #expect(secret[path: ["metadata", "labels", "release.dev/status"]] == "failed")
    #expect(try ReleaseRecord(secret: secret) == record)
  }
}
