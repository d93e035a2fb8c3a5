import Foundation
import Testing

/// The read-side commands on an environment that lists several clusters: each cluster has its
/// own capacity, replicas and live objects, so lint, plan and drift answer per cluster and name
/// it, in text and in JSON.
@Suite struct MultiClusterTests {
  func git(_ tree: ScratchTree, _ arguments: [String]) throws {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com"] + arguments, in: tree.root)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
  }

  func write(_ tree: ScratchTree, _ path: String, _ text: String) throws { try text.write(toFile: tree.root + "/" + path, atomically: true, encoding: .utf8) }

  /// prod's overlay on two clusters: `roomy` (the default scenario, a spare GPU) and `full`
  /// (prod's: every GPU in use), with a budget that allows no pod down: only a surge is safe.
  func fleet() throws -> ScratchTree {
    let tree = try ApplyCommandTests.exampleRepo()
    try FileManager.default.copyItem(atPath: tree.root + "/environments/prod", toPath: tree.root + "/environments/fleet")
    try write(tree, "environments/fleet/release.yaml", """
      apiVersion: release.dev/v1alpha1
      kind: Environment
      clusters:
        - name: roomy
          embedded: {name: fleet-roomy}
        - name: full
          embedded: {name: fleet-full, scenario: scenarios/prod-cluster.yaml}

      """)
    try write(tree, "environments/fleet/pdb-all.yaml", """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: vllm
      spec:
        minAvailable: 2

      """)
    let kustomization = tree.root + "/environments/fleet/kustomization.yaml"
    try (try String(contentsOfFile: kustomization, encoding: .utf8) + "  - path: pdb-all.yaml\n").write(toFile: kustomization, atomically: true, encoding: .utf8)
    try git(tree, ["add", "-A"])
    try git(tree, ["commit", "-qm", "fleet"])
    return tree
  }

  @Test func lintChecksEveryClusterAndNamesTheOneWithNoSafeStep() throws {
    let tree = try fleet()
    defer { tree.remove() }
    let apply = try ReleaseBinary.run(["apply", "fleet", "--yes", "--allow-downtime"], in: tree.root)
    #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")

    let text = try ReleaseBinary.run(["lint", "fleet"], in: tree.root)
    #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
    let parts = text.stdout.components(separatedBy: "lint for fleet on ")
    #expect(parts.count == 3, "\(text.stdout)")
    if parts.count == 3 {
      #expect(parts[1].hasPrefix("roomy: ") && !parts[1].contains("[pdb-safe-step]"), "\(parts[1])")
      #expect(parts[2].hasPrefix("full: ") && parts[2].contains("warning [pdb-safe-step]"), "\(parts[2])")
    }

    let json = try ReleaseBinary.run(["lint", "fleet", "-o", "json"], in: tree.root)
    let documents = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect(documents?.map { $0["clusterName"] as? String } == ["roomy", "full"], "\(json.stdout)")
    let rules = documents?.map { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
    #expect(rules?.first?.contains("pdb-safe-step") == false && rules?.last?.contains("pdb-safe-step") == true, "\(json.stdout)")
  }

  @Test func planAndDriftAnswerPerCluster() throws {
    let tree = try fleet()
    defer { tree.remove() }
    #expect(try ReleaseBinary.run(["apply", "fleet", "--yes", "--allow-downtime"], in: tree.root).status == 0)
    let kustomization = tree.root + "/environments/fleet/kustomization.yaml"
    try (try String(contentsOfFile: kustomization, encoding: .utf8)).replacingOccurrences(of: "newTag: v0.6.2", with: "newTag: v0.6.3")
      .write(toFile: kustomization, atomically: true, encoding: .utf8)
    try git(tree, ["commit", "-qam", "fleet: v0.6.3"])

    // roomy surges into its spare GPU; full has no safe step: the plan says which is which.
    let plan = try ReleaseBinary.run(["plan", "fleet", "-o", "json"], in: tree.root)
    #expect(plan.status == 5, "\(plan.stdout)\n\(plan.stderr)")
    let documents = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [[String: Any]]
    #expect(documents?.map { $0["clusterName"] as? String } == ["roomy", "full"], "\(plan.stdout)")
    #expect(plan.stderr.contains("cluster full: "), "\(plan.stderr)")
    #expect(!plan.stderr.contains("cluster roomy: "), "\(plan.stderr)")

    // A hand edit on one cluster is that cluster's drift, named ENV@CLUSTER; git's change is pending on both.
    #expect(try ReleaseBinary.run(["sim", "start", "--cluster", "fleet-full", "--speed", "1000"], in: tree.root).status == 0)
    defer { _ = try? ReleaseBinary.run(["sim", "stop", "--cluster", "fleet-full"], in: tree.root) }
    let label = try ReleaseBinary.runProcess(
      "/usr/bin/env",
      ["kubectl", "--kubeconfig", tree.root + "/.release/sim/fleet-full/kubeconfig", "--cache-dir", tree.root + "/.release/kube-cache",
       "label", "deployment/vllm", "-n", "llm-prod", "edited-by-hand=yes"],
      in: tree.root)
    #expect(label.status == 0, "\(label.stdout)\n\(label.stderr)")
    let drift = try ReleaseBinary.run(["drift", "fleet", "-o", "json"], in: tree.root)
    #expect(drift.status == 1, "\(drift.stdout)\n\(drift.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any]
    let reports = document?["environments"] as? [[String: Any]] ?? []
    #expect(reports.map { $0["environment"] as? String } == ["fleet@roomy", "fleet@full"], "\(drift.stdout)")
    let drifted = reports.map { (($0["summary"] as? [String: Any])?["drifted"] as? Int) ?? -1 }
    let pending = reports.map { (($0["summary"] as? [String: Any])?["pending"] as? Int) ?? -1 }
    #expect(drifted == [0, 1], "\(drift.stdout)")
    #expect(pending.allSatisfy { $0 > 0 }, "\(drift.stdout)")
    let text = try ReleaseBinary.run(["drift", "fleet"], in: tree.root)
    #expect(text.stdout.contains("fleet@full") && text.stdout.contains("kubectl-label"), "\(text.stdout)")
  }
}
