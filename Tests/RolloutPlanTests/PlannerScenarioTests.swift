import Diff
import Kube
import Manifest
import Rollout
import Testing

/// The plan's explicit cases beyond one Deployment on uniform nodes: node constraints, GPUs
/// held by terminating pods, several Deployments sharing free GPUs, new Deployments, HPAs.
@Suite struct PlannerScenarioTests {
  static let a100 = PlanFixtures.nodes(2, prefix: "a100", labels: ["gpu": "a100"])
  static let h100 = PlanFixtures.nodes(1, prefix: "h100", labels: ["gpu": "h100"])

  @Test func blockedMessageNamesTheNodesTheBudgetAndTheWayOut() {
    let pods = PlanFixtures.pods("vllm", 2, on: Self.a100)
    let cluster = ClusterSnapshot(nodes: Self.a100 + Self.h100, pods: pods, budgets: [PlanFixtures.pdb(.minAvailable(IntOrPercent(2)))])
    let candidate = PlanFixtures.candidate(replicas: 2, pods: pods, placement: PodPlacement(nodeSelector: ["gpu": "a100"], gpusPerPod: 1))
    let plan = PlanFixtures.plan([candidate], cluster)
    // The spare h100 GPU does not count: the pods may only run on a100 nodes.
    #expect(
      plan.entries.first?.step
        == .blocked("0 free GPUs on nodes matching gpu=a100; PDB minAvailable 2 of 2 replicas: no safe step — free one GPU or lower minAvailable"))
    #expect(plan.blockedReasons == [
      "deployment llm/vllm: 0 free GPUs on nodes matching gpu=a100; PDB minAvailable 2 of 2 replicas: no safe step — free one GPU or lower minAvailable"
    ])
    #expect(plan.entries.first?.nodes == ["a100-1", "a100-2"])
  }

  @Test func aTerminatingPodsGPUIsNotFree() {
    let nodes = PlanFixtures.nodes(3)
    let pods = PlanFixtures.pods("vllm", 2, on: nodes)
    let leaving = NodePod(namespace: "batch", name: "job", nodeName: "gpu-node-3", gpus: 1, terminating: true, ready: false)
    let budgets = [PlanFixtures.pdb(.minAvailable(IntOrPercent(1)))]
    let candidate = PlanFixtures.candidate(replicas: 2, pods: pods)
    let withLeaving = PlanFixtures.plan([candidate], ClusterSnapshot(nodes: nodes, pods: pods + [leaving], budgets: budgets))
    #expect(withLeaving.entries.first?.step == .inPlace(1))
    #expect(withLeaving.entries.first?.freeGPUs == 0)
    let gone = PlanFixtures.plan([candidate], ClusterSnapshot(nodes: nodes, pods: pods, budgets: budgets))
    #expect(gone.entries.first?.step == .surge(1))
  }

  @Test func taintsAndCordonsNarrowTheFreeGPUs() {
    // gpu-node-3 is free but tainted for another team; gpu-node-4 is free but cordoned.
    let nodes = PlanFixtures.nodes(2) + [
      GPUNode(name: "gpu-node-3", taints: [Taint(key: "team", value: "research", effect: "NoSchedule")], allocatableGPUs: 1),
      GPUNode(name: "gpu-node-4", unschedulable: true, allocatableGPUs: 1),
    ]
    let pods = PlanFixtures.pods("vllm", 2, on: nodes)
    let cluster = ClusterSnapshot(nodes: nodes, pods: pods, budgets: [PlanFixtures.pdb(.minAvailable(IntOrPercent(1)))])
    #expect(PlanFixtures.plan([PlanFixtures.candidate(replicas: 2, pods: pods)], cluster).entries.first?.step == .inPlace(1))
    let tolerating = PodPlacement(tolerations: [Toleration(key: "team", operator: "Exists")], gpusPerPod: 1)
    #expect(PlanFixtures.plan([PlanFixtures.candidate(replicas: 2, pods: pods, placement: tolerating)], cluster).entries.first?.step == .surge(1))
  }

  @Test func newPodsThatMustMoveNeedRoomWhereTheyGo() {
    // Old pods run on a100; the new template asks for h100, which has one GPU for two pods.
    let pods = PlanFixtures.pods("vllm", 2, on: Self.a100)
    let cluster = ClusterSnapshot(nodes: Self.a100 + Self.h100, pods: pods, budgets: [])
    let candidate = PlanFixtures.candidate(replicas: 2, pods: pods, placement: PodPlacement(nodeSelector: ["gpu": "h100"], gpusPerPod: 1))
    #expect(
      PlanFixtures.plan([candidate], cluster).entries.first?.step
        == .blocked(
          "2 pods need 2 GPUs on nodes matching gpu=h100: 1 free and 0 held by its own pods there — free one GPU there or change where the pods may run"
        ))
  }

  @Test func deploymentsSharingFreeGPUsArePlannedTogether() {
    // One free GPU. "beta" cannot go in place (its PDB keeps both pods), "alpha" can: beta
    // gets the GPU although alpha comes first by name, and alpha is told who took it.
    let nodes = PlanFixtures.nodes(5)
    let pods = PlanFixtures.pods("alpha", 2, on: Array(nodes[0..<2])) + PlanFixtures.pods("beta", 2, on: Array(nodes[2..<4]))
    let cluster = ClusterSnapshot(
      nodes: nodes, pods: pods,
      budgets: [PlanFixtures.pdb(.minAvailable(IntOrPercent(1)), app: "alpha"), PlanFixtures.pdb(.minAvailable(IntOrPercent(2)), app: "beta")])
    let plan = PlanFixtures.plan(
      [PlanFixtures.candidate("alpha", replicas: 2, pods: pods), PlanFixtures.candidate("beta", replicas: 2, pods: pods)], cluster)
    #expect(plan.entries.map(\.id.name) == ["alpha", "beta"])
    #expect(plan.entries.map(\.step) == [.inPlace(1), .surge(1)])
    #expect(plan.entries[0].takenByOthers == [RolloutPlan.Share(id: PlanFixtures.id("beta"), gpus: 1)])
    #expect(!plan.isBlocked)
  }

  @Test func whenBothNeedTheOneFreeGPUOneIsBlockedAndToldWhy() {
    let nodes = PlanFixtures.nodes(5)
    let pods = PlanFixtures.pods("alpha", 2, on: Array(nodes[0..<2])) + PlanFixtures.pods("beta", 2, on: Array(nodes[2..<4]))
    let cluster = ClusterSnapshot(
      nodes: nodes, pods: pods,
      budgets: [PlanFixtures.pdb(.minAvailable(IntOrPercent(2)), app: "alpha"), PlanFixtures.pdb(.minAvailable(IntOrPercent(2)), app: "beta")])
    let plan = PlanFixtures.plan(
      [PlanFixtures.candidate("beta", replicas: 2, pods: pods), PlanFixtures.candidate("alpha", replicas: 2, pods: pods)], cluster)
    #expect(plan.entries[0].step == .surge(1))
    #expect(
      plan.entries[1].step
        == .blocked(
          "0 free GPUs on the 5 nodes its pods can land on (1 taken by llm/alpha); PDB minAvailable 2 of 2 replicas: no safe step — "
            + "free one GPU or lower minAvailable"))
    // Each alone would have surged: planning them apart would have promised the GPU twice.
    for app in ["alpha", "beta"] {
      #expect(PlanFixtures.plan([PlanFixtures.candidate(app, replicas: 2, pods: pods)], cluster).entries[0].step == .surge(1))
    }
  }

  @Test func deploymentsOnDisjointNodePoolsDoNotCompete() {
    let nodes = PlanFixtures.nodes(2, prefix: "a100", labels: ["gpu": "a100"]) + PlanFixtures.nodes(2, prefix: "h100", labels: ["gpu": "h100"])
    let pods = PlanFixtures.pods("chat", 1, on: [nodes[0]]) + PlanFixtures.pods("embed", 1, on: [nodes[2]])
    let plan = PlanFixtures.plan(
      [
        PlanFixtures.candidate("chat", replicas: 1, pods: pods, placement: PodPlacement(nodeSelector: ["gpu": "a100"], gpusPerPod: 1)),
        PlanFixtures.candidate("embed", replicas: 1, pods: pods, placement: PodPlacement(nodeSelector: ["gpu": "h100"], gpusPerPod: 1)),
      ], ClusterSnapshot(nodes: nodes, pods: pods, budgets: []))
    #expect(plan.entries.map(\.step) == [.surge(1), .surge(1)])
  }

  @Test(arguments: [(2, RolloutStep.create(2)), (3, .create(3))])
  func aNewDeploymentNeedsAGPUForEveryPod(free: Int, step: RolloutStep) {
    let plan = PlanFixtures.plan(
      [PlanFixtures.candidate(replicas: free, pods: [], isNew: true)], ClusterSnapshot(nodes: PlanFixtures.nodes(free), pods: [], budgets: []))
    #expect(plan.entries.first?.step == step)
    #expect(plan.entries.first?.steps == 1)
    let short = PlanFixtures.plan(
      [PlanFixtures.candidate(replicas: free + 1, pods: [], isNew: true)], ClusterSnapshot(nodes: PlanFixtures.nodes(free), pods: [], budgets: []))
    #expect(
      short.entries.first?.step
        == .blocked(
          "\(free + 1) pods of a new Deployment need \(free + 1) GPUs; \(free) free GPUs on the \(free) nodes its pods can land on — free one GPU or lower replicas"))
  }

  @Test func aDeploymentWithoutGPUsIsNotLimitedByThem() {
    let plan = PlanFixtures.plan(
      [PlanFixtures.candidate("web", replicas: 4, pods: [], placement: PodPlacement(gpusPerPod: 0))],
      ClusterSnapshot(nodes: [], pods: [], budgets: []))
    #expect(plan.entries.first?.step == .surge(1))
  }

  @Test func aCandidateTakesTheLiveReplicasWhereAnHPAOwnsThem() {
    let deployment: Value = [
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"],
      "spec": [
        "replicas": 2, "selector": ["matchLabels": ["app": "vllm"]],
        "template": [
          "metadata": ["labels": ["app": "vllm"]],
          "spec": [
            "nodeSelector": ["gpu": "a100"],
            "containers": [[
              "name": "vllm", "image": "vllm:v2", "resources": ["limits": ["nvidia.com/gpu": 1]],
              "readinessProbe": ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": 300, "periodSeconds": 10],
            ]],
          ],
        ],
      ],
    ]
    var live = deployment
    live[path: ["spec", "replicas"]] = 4
    let pods = PlanFixtures.pods("vllm", 4, on: Self.a100) + [NodePod(namespace: "other", name: "x", labels: ["app": "vllm"], nodeName: "a100-1", gpus: 1)]
    let owned = RolloutCandidate(
      desired: DesiredObject(applied: deployment, predicted: nil, live: live, replicasOwnedByAutoscaler: true), livePods: pods, admittedPod: nil)
    #expect(owned.replicas == 4)
    #expect(owned.replicasFromAutoscaler)
    #expect(owned.pods.count == 4)  // its namespace's pods only
    #expect(owned.placement == PodPlacement(nodeSelector: ["gpu": "a100"], gpusPerPod: 1))
    #expect(owned.readinessWindow == .seconds(330))
    #expect(!owned.isNew)
    let plain = RolloutCandidate(desired: DesiredObject(applied: deployment, predicted: nil, live: live), livePods: pods, admittedPod: nil)
    #expect(plain.replicas == 2)
    let created = RolloutCandidate(desired: DesiredObject(applied: deployment, predicted: nil, live: nil), livePods: [], admittedPod: nil)
    #expect(created.isNew)
    let createdOwned = RolloutCandidate(
      desired: DesiredObject(applied: deployment, predicted: nil, live: nil, replicasOwnedByAutoscaler: true), livePods: [], admittedPod: nil)
    #expect(createdOwned.replicas == 2)
    #expect(!createdOwned.replicasFromAutoscaler)
  }

  @Test func onlyPodTemplateChangesRoll() {
    let id = PlanFixtures.id("vllm")
    func diff(_ action: ObjectDiff.Action, _ paths: [[String]]) -> ObjectDiff {
      ObjectDiff(id: id, action: action, fields: paths.map { FieldChange(path: FieldPath($0.map { .key($0) }), kind: .changed, old: nil, new: nil) }, before: nil, after: nil)
    }
    #expect(RolloutCandidate.rolls(diff(.update, [["spec", "template", "spec", "containers"]])))
    #expect(RolloutCandidate.rolls(diff(.create, [])))
    #expect(!RolloutCandidate.rolls(diff(.update, [["spec", "replicas"]])))
    #expect(!RolloutCandidate.rolls(diff(.update, [["metadata", "labels", "team"]])))
    #expect(!RolloutCandidate.rolls(diff(.unchanged, [])))
  }
}
