import Manifest
import Rollout
import Testing

/// The safe-step check over clusters built by hand: single-GPU nodes, the Deployment's pods
/// filling the busy ones, and `free` empty ones.
@Suite struct SafeStepRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var free: Int
    /// Whether the Deployment runs already (its pods fill `replicas` nodes) or is new.
    var live = true
    var expected: [String]
    var fixes: [String] = []
    var testDescription: String { name }
  }

  static let f = LintFixtures.self

  static let cases: [Case] = [
    Case(name: "a spare GPU: surge", yaml: f.deployment() + f.pdb("minAvailable: 2"), free: 1, expected: []),
    Case(name: "full, minAvailable 1: in place", yaml: f.deployment() + f.pdb("minAvailable: 1"), free: 0, expected: []),
    Case(
      name: "full, minAvailable 2 of 2", yaml: f.deployment() + f.pdb("minAvailable: 2"), free: 0,
      expected: [
        "PodDisruptionBudget.policy/vllm in namespace llm spec.minAvailable: \(f.vllm): 0 free GPUs on the 2 nodes its pods can land on; "
          + "PDB minAvailable 2 of 2 replicas: no safe step"
      ],
      fixes: ["free one GPU or lower minAvailable"]),
    Case(
      name: "full, maxUnavailable 0", yaml: f.deployment() + f.pdb("maxUnavailable: 0"), free: 0,
      expected: [
        "PodDisruptionBudget.policy/vllm in namespace llm spec.maxUnavailable: \(f.vllm): 0 free GPUs on the 2 nodes its pods can land on; "
          + "PDB maxUnavailable 0 of 2 replicas: no safe step"
      ],
      fixes: ["free one GPU or raise maxUnavailable"]),
    Case(
      name: "a single replica on a full cluster", yaml: f.deployment(replicas: 1), free: 0,
      expected: [
        "\(f.vllm) spec.replicas: \(f.vllm): 1 replica and 0 free GPUs on the 1 node its pods can land on: no PDB-safe in-place step "
          + "(replacing the only pod takes the service down)"
      ],
      fixes: ["free one GPU or pass --allow-downtime"]),
    Case(
      name: "a new Deployment that does not fit", yaml: f.deployment(replicas: 3), free: 2, live: false,
      expected: [
        "\(f.vllm) spec.replicas: \(f.vllm): 3 pods of a new Deployment need 3 GPUs; 2 free GPUs on the 2 nodes its pods can land on"
      ],
      fixes: ["free one GPU or lower replicas"]),
    Case(name: "a new Deployment that fits", yaml: f.deployment(replicas: 2), free: 2, live: false, expected: []),
  ]

  static func cluster(_ objects: [Value], free: Int, live: Bool) -> LintCluster {
    let input = LintInput(objects: objects)
    var nodes: [GPUNode] = []
    var pods: [NodePod] = []
    var candidates: [RolloutCandidate] = []
    for deployment in input.workloads where deployment.isDeployment {
      let replicas = Int(deployment.object[path: ["spec", "replicas"]]?.intValue ?? 1)
      var own: [NodePod] = []
      if live {
        for i in 0..<replicas {
          let node = GPUNode(name: "\(deployment.id.name)-node-\(i)", allocatableGPUs: 1)
          nodes.append(node)
          own.append(
            NodePod(namespace: "llm", name: "\(deployment.id.name)-\(i)", labels: deployment.podLabels, nodeName: node.name, gpus: 1))
        }
      }
      pods += own
      // Spelled out: in `live ? object : nil` the nil reads as Value.null (Value is ExpressibleByNilLiteral), a live object.
      let liveObject: Value? = live ? .some(deployment.object) : .none
      candidates.append(LintClusterReader.candidate(deployment, live: liveObject, autoscaled: false, pods: own, admittedPod: nil))
    }
    nodes += (0..<free).map { GPUNode(name: "spare-\($0)", allocatableGPUs: 1) }
    let budgets = input.objects(kind: "PodDisruptionBudget", groups: ["policy"]).map(PodDisruptionBudgetRule.init)
    return LintCluster(snapshot: ClusterSnapshot(nodes: nodes, pods: pods, budgets: budgets), candidates: candidates)
  }

  @Test(arguments: cases) func flagsRolloutsWithNoSafeStep(_ c: Case) throws {
    let objects = try LintFixtures.objects(c.yaml)
    let findings = SafeStepRule().check(LintInput(objects: objects, cluster: Self.cluster(objects, free: c.free, live: c.live)))
    #expect(findings.sorted().map(LintFixtures.line) == c.expected)
    #expect(findings.sorted().map(\.fix) == c.fixes)
  }

  @Test func isSkippedWithTheReasonWhenNoClusterWasRead() throws {
    let objects = try LintFixtures.objects(LintFixtures.deployment() + LintFixtures.pdb("minAvailable: 2"))
    let report = Linter().lint(environment: "test", input: LintInput(objects: objects), noCluster: "no cluster: context gpu-prod not found")
    #expect(report.skipped == [LintReport.Skip(rule: "pdb-safe-step", reason: "no cluster: context gpu-prod not found")])
    #expect(!report.rules.contains("pdb-safe-step"))
    #expect(report.findings.isEmpty)
  }
}
