import Diff
import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import Metrics
import ReleaseKit
import Rollout
import Testing

/// One cell of the scenario matrix: replicas, free GPUs beside them, the PDB, the strategy.
struct MatrixCase: Sendable, CustomTestStringConvertible {
  enum Budget: String, Sendable, CaseIterable {
    case minAvailableAllButOne = "minAvailable N-1", minAvailableHalf = "minAvailable 50%", maxUnavailableOne = "maxUnavailable 1"
    case maxUnavailableQuarter = "maxUnavailable 25%"

    func spec(replicas: Int) -> String {
      switch self {
      case .minAvailableAllButOne: return "minAvailable: \(max(0, replicas - 1))"
      case .minAvailableHalf: return "minAvailable: \"50%\""
      case .maxUnavailableOne: return "maxUnavailable: 1"
      case .maxUnavailableQuarter: return "maxUnavailable: \"25%\""
      }
    }

    /// Ready pods the PDB requires (upstream's disruption controller rounds both percentages up).
    func desiredHealthy(replicas: Int) -> Int {
      switch self {
      case .minAvailableAllButOne: return max(0, replicas - 1)
      case .minAvailableHalf: return (replicas + 1) / 2
      case .maxUnavailableOne: return max(0, replicas - 1)
      case .maxUnavailableQuarter: return replicas - (replicas + 3) / 4
      }
    }
  }

  enum Strategy: String, Sendable, CaseIterable {
    case surgeFirst = "maxSurge 1, maxUnavailable 0"
    case kubernetesDefault = "25%/25% (default)"

    var spec: String {
      switch self {
      case .surgeFirst: return "strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
      case .kubernetesDefault: return ""
      }
    }
  }

  var replicas: Int
  var free: Int
  var budget: Budget
  var strategy: Strategy

  var testDescription: String { "\(replicas) replicas, \(free) free GPUs, \(budget.rawValue), \(strategy.rawValue)" }

  /// The issue's whole grid: replicas 1–8 × free matching GPUs 0–3 × each PDB × each
  /// strategy, 256 rollouts.
  static let all: [MatrixCase] = grid(replicas: Array(1...8), free: Array(0...3))
  static let tabulated = all

  static func grid(replicas: [Int], free: [Int]) -> [MatrixCase] {
    replicas.flatMap { replicas in
      free.flatMap { free in
        Budget.allCases.flatMap { budget in Strategy.allCases.map { MatrixCase(replicas: replicas, free: free, budget: budget, strategy: $0) } }
      }
    }
  }

  /// Readiness: initialDelaySeconds 200 + periodSeconds 5 × failureThreshold 1.
  static let window = 205.0
  static let pullSeconds = 20.0

  var scenario: String {
    """
    admission: {extendedResourceToleration: true}
    nodePools:
      - {namePrefix: gpu, count: \(replicas + free), taints: [{key: nvidia.com/gpu, effect: NoSchedule}], allocatable: {cpu: "16", memory: 64Gi, nvidia.com/gpu: 1}}
    defaults: {pullSeconds: \(Int(Self.pullSeconds)), modelLoadSeconds: 0, metrics: {errorRate: 0.001, latencyP99Ms: 500}}
    objects:
      - {apiVersion: v1, kind: Namespace, metadata: {name: default}}
    """
  }

  func objects(tag: String) -> String {
    """
    apiVersion: v1
    kind: Namespace
    metadata: {name: app}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app, namespace: app}
    spec:
      replicas: \(replicas)
      progressDeadlineSeconds: 1800
      selector: {matchLabels: {app: app}}
      \(strategy.spec)
      template:
        metadata: {labels: {app: app}}
        spec:
          containers:
            - name: app
              image: registry.example/app:\(tag)
              resources: {limits: {nvidia.com/gpu: 1}}
              readinessProbe: {httpGet: {path: /health, port: 8000}, initialDelaySeconds: 200, periodSeconds: 5, failureThreshold: 1}
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: app, namespace: app}
    spec: {\(budget.spec(replicas: replicas)), selector: {matchLabels: {app: app}}}
    """
  }

  func environment(tag: String) async throws -> EnvironmentContext {
    try await MatrixFixtures.shared.environment(self, tag: tag)
  }

  /// A fresh simulated cluster for this cell (each cell rolls on its own).
  func cluster() async throws -> KubeSim {
    KubeSim(scenario: try await MatrixFixtures.shared.scenario(self))
  }

  /// The first version running and ready, as `release apply` leaves it (server-side applied
  /// by `release`, labelled for the environment) but rolled out by the Deployment controller
  /// alone on virtual time. Setup, not what a cell tests: a whole `release apply` of it
  /// (records, pre-pull, following) cost as much as the rollout under test.
  func deployFirstVersion(on sim: KubeSim) async throws {
    let context = try await environment(tag: "v1")
    for object in ApplyOrder.sorted(context.objects) {
      _ = try await sim.apply(TrackingLabel.adding(context.name, to: object), options: ApplyOptions(fieldManager: "release", force: true))
    }
    for _ in 0..<120 {
      if WorkloadProgress(of: try await sim.get(RolloutMatrixTests.deploymentID)).state == .complete { return }
      await sim.advance(by: .seconds(5))
    }
    Issue.record("\(testDescription): the first version never became available")
  }
}

/// What the cells share, made once: a cell's environment is rendered from a scratch repo
/// once per replicas × PDB × strategy (the new version is the same objects with the image
/// changed, as a commit bumping the tag renders them), and a scenario is parsed once per
/// node count. Rendering and parsing per cell cost more than rolling on virtual time.
actor MatrixFixtures {
  static let shared = MatrixFixtures()

  private var environments: [String: EnvironmentContext] = [:]
  private var scenarios: [Int: Scenario] = [:]

  func environment(_ cell: MatrixCase, tag: String) async throws -> EnvironmentContext {
    let key = "\(cell.replicas)|\(cell.budget.rawValue)|\(cell.strategy.rawValue)"
    let v1: EnvironmentContext
    if let rendered = environments[key] {
      v1 = rendered
    } else {
      // Two cells asking at once may both render (the actor is free while one awaits): the
      // same objects either way, and the first stored wins.
      let (context, _) = try await WorkflowHarness.scratch([
        "environments/app/kustomization.yaml": "resources: [app.yaml]\n",
        "environments/app/app.yaml": cell.objects(tag: "v1"),
      ])
      v1 = environments[key] ?? context
      environments[key] = v1
    }
    return tag == "v1" ? v1 : GPURolloutTests.withImage(v1, "registry.example/app:\(tag)")
  }

  func scenario(_ cell: MatrixCase) throws -> Scenario {
    let nodes = cell.replicas + cell.free
    if let parsed = scenarios[nodes] { return parsed }
    let parsed = try Scenario(yaml: cell.scenario, file: "matrix.yaml")
    scenarios[nodes] = parsed
    return parsed
  }
}

/// Every cell of the matrix under `release apply`: a feasible rollout completes without ever
/// having fewer ready pods than the PDB requires, in pre-pull + steps × readiness window (5%);
/// an infeasible one exits 5 before any change.
@Suite struct RolloutMatrixTests {
  static let deploymentID = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "app", name: "app")

  @Test(arguments: MatrixCase.all)
  func everyFeasibleRolloutCompletesWithinItsBudgetAndItsETA(_ cell: MatrixCase) async throws {
    let sim = try await cell.cluster()
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    try await cell.deployFirstVersion(on: sim)
    let start = await sim.now.secondsDouble
    let observer = CollectingObserver()
    let outcome: ApplyOutcome
    do {
      outcome = try await harness.apply(try await cell.environment(tag: "v2"), observer: observer)
    } catch let error as RolloutError {
      guard case .blocked = error else { Issue.record("\(cell.testDescription): \(error)"); return }
      // Infeasible: nothing changed.
      let live = try await harness.api.get(Self.deploymentID)
      #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "registry.example/app:v1")
      #expect(cell.free == 0 && (cell.replicas == 1 || cell.budget.desiredHealthy(replicas: cell.replicas) >= cell.replicas), "\(cell.testDescription): \(error)")
      return
    }
    let end = await sim.now.secondsDouble
    // No stall, no rollback: deployed, and every replica serves the new version.
    guard case .applied(let record, _) = outcome, record.status == .deployed else {
      Issue.record("\(cell.testDescription): not deployed: \(outcome)")
      return
    }
    let live = try await harness.api.get(Self.deploymentID)
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "registry.example/app:v2")
    let progress = WorkloadProgress(of: live)
    #expect(progress.state == .complete && progress.available == Int64(cell.replicas), "\(cell.testDescription): \(progress)")
    let trace = await sim.trace
    #expect(trace.minimumReadyPods(matching: ["app": "app"], from: start) >= cell.budget.desiredHealthy(replicas: cell.replicas), "\(cell.testDescription)")
    let events = await observer.events
    let steps = events.compactMap { if case .rolloutStarted(_, _, let steps, _) = $0 { return steps } else { return nil } }.first ?? 0
    let prePull = events.compactMap { if case .prePulled(_, _, let elapsed) = $0 { return Double(elapsed.components.seconds) } else { return nil } }.first ?? 0
    #expect(steps > 0, "\(cell.testDescription): no rollout was reported")
    let expected = prePull + Double(steps) * MatrixCase.window
    #expect(abs((end - start) - expected) <= expected * 0.05, "\(cell.testDescription): took \(end - start) s, expected \(expected) s (\(steps) steps)")
  }
}

/// The same matrix under `kubectl apply` and Kubernetes' own rolling update, beside what
/// `release` plans, as docs/rollout-matrix.md tabulates (the README quotes it). The table is
/// computed here and compared with the file. Rolling 256 clusters twice over (the kubectl
/// side waits out 1800 s progress deadlines) costs a minute of CPU, so it runs from
/// `scripts/rollout-table.sh` (check, or `--write` to regenerate) rather than
/// in every `scripts/test`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RELEASE_TABLES"] != nil, "run by scripts/rollout-table.sh"))
struct DefaultStrategyTableTests {
  static let file = WorkflowHarness.packageRoot + "/docs/rollout-matrix.md"

  /// kubectl's outcome: the Deployment controller alone, for up to its progress deadline.
  static func kubectlOutcome(_ cell: MatrixCase) async throws -> String {
    let sim = try await cell.cluster()
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    try await cell.deployFirstVersion(on: sim)
    let start = await sim.now.secondsDouble
    let next = try await cell.environment(tag: "v2")
    let api = harness.api
    let finished: Double? = try await sim.run { clock in
      for object in next.objects {
        _ = try await api.apply(object, options: ApplyOptions(fieldManager: "kubectl", force: true))
      }
      let stopwatch = Stopwatch(clock)
      while stopwatch.elapsed < .seconds(1800) {
        let progress = WorkloadProgress(of: try await api.get(RolloutMatrixTests.deploymentID))
        if progress.state == .complete { return Double(stopwatch.elapsed.components.seconds) }
        if progress.state == .deadlineExceeded { return nil }
        try await stopwatch.sleep(for: .seconds(5))
      }
      return nil
    }
    let minimum = await sim.trace.minimumReadyPods(matching: ["app": "app"], from: start)
    let required = cell.budget.desiredHealthy(replicas: cell.replicas)
    let broke = minimum < required ? "breaks the PDB (\(minimum) ready, \(required) required)" : nil
    guard let finished else {
      let pending = try await api.list(GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "app", options: ListOptions(labelSelector: "app=app"))
        .items.filter { $0[path: ["spec", "nodeName"]] == nil }.count
      return (["stalls: \(pending) pod\(pending == 1 ? "" : "s") Pending, progress deadline exceeded"] + (broke.map { [$0] } ?? [])).joined(separator: "; ")
    }
    return broke ?? "completes in \(Int(finished)) s"
  }

  static func releaseOutcome(_ cell: MatrixCase) async throws -> String {
    let sim = try await cell.cluster()
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    try await cell.deployFirstVersion(on: sim)
    let context = try await cell.environment(tag: "v2")
    let plan = try await sim.run { _ in try await PlanWorkflow.plan(context, api: harness.api, allowDowntime: false) }
    guard let entry = plan.plan.entries.first else { return "nothing to roll" }
    if entry.isBlocked { return "exit 5 before any change" }
    return "\(entry.step.summary) per step, \(entry.steps) step\(entry.steps == 1 ? "" : "s")"
  }

  static func table() async throws -> String {
    let rows = try await withThrowingTaskGroup(of: (Int, String).self) { group in
      for (index, cell) in MatrixCase.tabulated.enumerated() {
        group.addTask {
          let kubectl = try await kubectlOutcome(cell)
          let release = try await releaseOutcome(cell)
          return (index, "| \(cell.replicas) | \(cell.free) | \(cell.budget.rawValue) | \(cell.strategy.rawValue) | \(kubectl) | \(release) |")
        }
      }
      var all: [(Int, String)] = []
      for try await row in group { all.append(row) }
      return all.sorted { $0.0 < $1.0 }.map(\.1)
    }
    return """
      # Rolling out on scarce GPUs: Kubernetes' rolling update vs `release apply`

      Generated by `DefaultStrategyTableTests` (Tests/ReleaseWorkflowTests/RolloutMatrixTests.swift)
      on the embedded cluster: one single-GPU node per replica plus the free ones, a readiness
      window of 205 s, an image bump of a Deployment whose pods request one GPU. "kubectl apply"
      applies the new Deployment and lets the Deployment controller roll it for up to its
      1800 s progress deadline; the PDB is checked against the ready pods at every instant.
      "release apply" is its plan (every feasible row completes within the PDB:
      `RolloutMatrixTests`).

      | replicas | free GPUs | PDB | strategy | kubectl apply | release apply |
      | --- | --- | --- | --- | --- | --- |

      """ + rows.joined(separator: "\n") + "\n"
  }

  @Test func theTableIsCurrent() async throws {
    let table = try await Self.table()
    if ProcessInfo.processInfo.environment["RELEASE_TABLES"] == "write" {
      try table.write(toFile: Self.file, atomically: true, encoding: .utf8)
    }
    let committed = try String(contentsOfFile: Self.file, encoding: .utf8)
    #expect(committed == table, "docs/rollout-matrix.md is stale: run scripts/rollout-table.sh --write")
    // What the table exists to show: the default rollout stalls or breaks the PDB where release does not.
    #expect(table.contains("stalls") && table.contains("breaks the PDB"))
  }
}
