internal import Kube
public import Manifest
public import Rollout

/// `release plan`'s output: a block per Deployment for a person, or one JSON document.
public enum RolloutPlanFormat {
  public static func text(_ plan: RolloutPlan, cluster: String) -> String {
    guard !plan.entries.isEmpty else {
      return "plan for \(plan.environment) on \(cluster): no Deployment's pods change; nothing to roll out\n"
    }
    let blocked = plan.entries.filter(\.isBlocked).count
    var head = "plan for \(plan.environment) on \(cluster): \(plan.entries.count) Deployment\(plan.entries.count == 1 ? "" : "s") to roll out"
    if blocked > 0 {
      head += ", \(blocked) blocked: nothing will be changed"
    } else if let eta = plan.eta {
      head += ", ETA \(duration(eta))" + (plan.entries.count > 1 ? " (they roll at the same time)" : "")
    }
    var lines = [head]
    for entry in plan.entries {
      lines.append("")
      lines.append("deployment \(entry.id.namespace ?? "default")/\(entry.id.name)")
      var rows: [[String]] = []
      rows.append(["replicas:", "\(entry.replicas)" + (entry.replicasFromAutoscaler ? " (live: its HPA owns the count)" : "")])
      if entry.gpusPerPod > 0 {
        let shared = entry.takenByOthers.map { "\($0.gpus) taken by \($0.id.namespace ?? "default")/\($0.id.name)" }
        rows.append([
          "GPUs:",
          "\(entry.gpusPerPod) per pod; \(entry.freeGPUs) free on \(nodes(entry))" + (shared.isEmpty ? "" : " (\(shared.joined(separator: ", ")))"),
        ])
      } else {
        rows.append(["GPUs:", "none requested"])
      }
      if entry.isNew {
        rows.append(["budget:", "none needed: no pod of it runs yet"])
      } else {
        rows.append(["budget:", budget(entry)])
      }
      switch entry.step {
      case .blocked(let reason):
        rows.append(["step:", "blocked: \(reason)"])
      case .nothing:
        rows.append(["step:", "none (0 replicas)"])
      default:
        rows.append(["step:", "\(entry.step.summary) per step, \(entry.steps) step\(entry.steps == 1 ? "" : "s")"])
        if let window = entry.readinessWindow, let eta = entry.eta {
          let pull = entry.isNew ? "" : ", after apply pre-pulls the new image on \(entry.nodes.count) node\(entry.nodes.count == 1 ? "" : "s")"
          rows.append(["ETA:", "\(duration(eta)) (\(entry.steps) × \(window.components.seconds) s readiness window\(pull))"])
        }
      }
      for note in entry.notes { rows.append(["note:", note]) }
      lines += TextTable.render(rows).map { "  " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func nodes(_ entry: RolloutPlan.Entry) -> String {
    let place = entry.constraint.map { "nodes matching \($0)" } ?? "the nodes its pods can land on"
    return entry.nodes.isEmpty ? "\(place) (none)" : "\(place) (\(entry.nodes.joined(separator: ", ")))"
  }

  static func budget(_ entry: RolloutPlan.Entry) -> String {
    let budget = entry.budget
    var parts = budget.pdbs.map { "PDB \($0.rule.name): \($0.rule.summary), \($0.healthy) healthy, \($0.allowed) may go" }
    if budget.pdbs.isEmpty { parts.append("no PDB") }
    parts.append("strategy \(budget.strategy.summary): \(budget.strategyAllowed) may go")
    return "\(budget.allowed) pod\(budget.allowed == 1 ? "" : "s") may be down at once (\(parts.joined(separator: "; ")))"
  }

  /// `11m 0s`, `45s`, `1h 5m`.
  static func duration(_ d: Duration) -> String {
    let seconds = d.components.seconds
    if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
    if seconds >= 60 { return "\(seconds / 60)m \(seconds % 60)s" }
    return "\(seconds)s"
  }

  public static func json(_ plan: RolloutPlan, cluster: String, warnings: [String]) -> Value {
    [
      "environment": .string(plan.environment), "cluster": .string(cluster), "blocked": .bool(plan.isBlocked),
      "etaSeconds": plan.eta.map { .int($0.components.seconds) } ?? .null,
      "warnings": .array(warnings.map(Value.string)),
      "deployments": .array(plan.entries.map(json)),
    ]
  }

  static func json(_ entry: RolloutPlan.Entry) -> Value {
    let budget = entry.budget
    var step: Value = ["kind": .string(entry.step.kind), "pods": .int(Int64(entry.step.pods)), "steps": .int(Int64(entry.steps))]
    if case .blocked(let reason) = entry.step { step["reason"] = .string(reason) }
    return [
      "namespace": .string(entry.id.namespace ?? "default"), "name": .string(entry.id.name),
      "replicas": .int(Int64(entry.replicas)), "replicasFromAutoscaler": .bool(entry.replicasFromAutoscaler), "new": .bool(entry.isNew),
      "gpusPerPod": .int(Int64(entry.gpusPerPod)), "nodeConstraint": entry.constraint.map(Value.string) ?? .null,
      "nodes": .array(entry.nodes.map(Value.string)), "freeGPUs": .int(Int64(entry.freeGPUs)),
      "takenByOthers": .array(entry.takenByOthers.map { share in
        ["namespace": .string(share.id.namespace ?? "default"), "name": .string(share.id.name), "gpus": .int(Int64(share.gpus))]
      }),
      "budget": [
        "allowed": .int(Int64(budget.allowed)), "ready": .int(Int64(budget.ready)),
        "strategy": .string(budget.strategy.summary), "strategyAllowed": .int(Int64(budget.strategyAllowed)),
        "pdbs": .array(budget.pdbs.map { limit in
          ["name": .string(limit.rule.name), "rule": .string(limit.rule.summary), "expected": .int(Int64(limit.expected)),
           "healthy": .int(Int64(limit.healthy)), "desiredHealthy": .int(Int64(limit.desiredHealthy)), "allowed": .int(Int64(limit.allowed))]
        }),
      ],
      "step": step,
      "readinessWindowSeconds": entry.readinessWindow.map { .int($0.components.seconds) } ?? .null,
      "etaSeconds": entry.eta.map { .int($0.components.seconds) } ?? .null,
      "notes": .array(entry.notes.map(Value.string)),
    ]
  }
}
