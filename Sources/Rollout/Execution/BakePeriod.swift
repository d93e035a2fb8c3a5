internal import EnvironmentRepo
internal import Foundation
internal import Kube
internal import Manifest
internal import Metrics

/// After every pod is ready: for `bakeSeconds` the new pods must stay healthy (a crash after
/// readiness counts) and each metric gate must hold. What an empty answer means is each gate's
/// own choice, so an idle service neither wedges nor falsely passes the rollout; a query that
/// errors counts as no data, with the error as evidence.
struct BakePeriod: Sendable {
  let executor: RolloutExecutor
  let workloads: [RolloutExecutor.Workload]

  func run(stopwatch: Stopwatch, heartbeat: @Sendable () async -> Void) async throws(RolloutError) {
    let policy = executor.policy
    let gates = policy.gates
    guard policy.bakeSeconds > 0 || !gates.isEmpty else { return }
    let deployments = workloads.filter { $0.id.gvk.group == "apps" && $0.id.gvk.kind == "Deployment" }
    let namespaces = Set(deployments.compactMap(\.id.namespace)).sorted()
    let bake = Duration.seconds(policy.bakeSeconds)
    let start = stopwatch.elapsed
    await executor.observer.report(.baking(bake, gates: gates.map(\.name)))
    var seenData = Set<String>()
    var observedFailures = Set<String>()
    var lastNoData: [String: String] = [:]
    while true {
      await heartbeat()
      for workload in deployments {
        if let failure = try await podFailure(workload) { throw RolloutError.gateFailed(failure) }
      }
      for gate in gates {
        let verdict = await evaluate(gate, namespaces: namespaces)
        switch verdict {
        case .holds:
          seenData.insert(gate.name)
        case .violated(let evidence):
          seenData.insert(gate.name)
          let failure = GateFailure(gate: gate.name, workload: nil, evidence: evidence)
          if gate.mode == .observe {
            if observedFailures.insert(gate.name).inserted { await executor.observer.report(.gateObserved(failure)) }
          } else {
            throw RolloutError.gateFailed(failure)
          }
        case .noData(let why):
          lastNoData[gate.name] = why
          if gate.noData == .fail {
            let failure = GateFailure(gate: gate.name, workload: nil, evidence: "no data (\(why)); the gate says no data fails")
            if gate.mode == .observe {
              if observedFailures.insert(gate.name).inserted { await executor.observer.report(.gateObserved(failure)) }
            } else {
              throw RolloutError.gateFailed(failure)
            }
          }
        }
      }
      if stopwatch.elapsed - start >= bake { break }
      try await executor.sleep(stopwatch, min(.seconds(policy.gateIntervalSeconds), bake - (stopwatch.elapsed - start)))
    }
    for gate in gates where gate.noData == .wait && !seenData.contains(gate.name) {
      let failure = GateFailure(
        gate: gate.name, workload: nil,
        evidence: "no data during the \(policy.bakeSeconds) s bake (\(lastNoData[gate.name] ?? "empty result")); the gate waits for data and none came")
      if gate.mode == .observe {
        await executor.observer.report(.gateObserved(failure))
      } else {
        throw RolloutError.gateFailed(failure)
      }
    }
    await executor.observer.report(.baked(gates: gates.map(\.name)))
  }

  enum Verdict {
    case holds
    case violated(String)
    case noData(String)
  }

  /// Every sample of every namespace's answer must satisfy the bound; the worst one is the evidence.
  func evaluate(_ gate: MetricGateConfig, namespaces: [String]) async -> Verdict {
    guard let source = executor.metrics else { return .noData("no metrics source configured") }
    let queries = gate.query.contains("$namespace")
      ? namespaces.map { gate.query.replacingOccurrences(of: "$namespace", with: $0) } : [gate.query]
    var samples: [(String, MetricSample)] = []
    for query in queries {
      do {
        samples += try await source.query(query, at: executor.wallClock.now()).map { (query, $0) }
      } catch {
        return .noData("\(error)")
      }
    }
    guard !samples.isEmpty else { return .noData("the query returned no samples") }
    let bad = samples.filter { !Self.satisfies($0.1.value, gate.bound) }
    guard let worst = bad.max(by: { Self.badness($0.1.value, gate.bound) < Self.badness($1.1.value, gate.bound) }) else { return .holds }
    let labels = worst.1.labels.filter { ["pod", "namespace", "deployment"].contains($0.key) }.sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    return .violated("\(worst.0) = \(Self.format(worst.1.value))\(labels.isEmpty ? "" : " {\(labels)}") \(Self.describe(gate.bound))")
  }

  static func satisfies(_ value: Double, _ bound: MetricGateConfig.Bound) -> Bool {
    switch bound {
    case .atMost(let limit): return value <= limit
    case .atLeast(let limit): return value >= limit
    }
  }

  static func badness(_ value: Double, _ bound: MetricGateConfig.Bound) -> Double {
    switch bound {
    case .atMost: return value
    case .atLeast: return -value
    }
  }

  /// `> 0.01 allowed (max)`.
  static func describe(_ bound: MetricGateConfig.Bound) -> String {
    switch bound {
    case .atMost(let limit): return "above the maximum \(format(limit))"
    case .atLeast(let limit): return "below the minimum \(format(limit))"
    }
  }

  static func format(_ value: Double) -> String {
    value.isNaN ? "NaN" : (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
  }

  func podFailure(_ workload: RolloutExecutor.Workload) async throws(RolloutError) -> GateFailure? {
    do {
      let object = try await executor.api.get(workload.id)
      let pods = try await DeploymentPods.read(object, api: executor.api)
      for pod in pods.new where PodStatus.isActive(pod) {
        if let (gate, evidence) = PodHealth.failure(of: pod, maxRestarts: executor.policy.maxRestarts) {
          return GateFailure(gate: gate, workload: workload.id, evidence: evidence)
        }
      }
      return nil
    } catch {
      throw RolloutError.api(error, doing: "reading the pods of \(workload.id) while baking")
    }
  }
}
