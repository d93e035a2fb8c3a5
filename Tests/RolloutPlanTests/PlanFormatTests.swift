import Kube
import Manifest
import ReleaseKit
import Rollout
import Testing

/// What `release plan` prints: per Deployment replicas, free matching GPUs, budget, step,
/// steps and ETA; the reason with its numbers when blocked.
@Suite struct PlanFormatTests {
  func plan(free: Int, minAvailable: Int) -> RolloutPlan {
    let (cluster, pods) = PlanFixtures.matrixCluster(
      replicas: 2, free: free, budgets: [PlanFixtures.pdb(.minAvailable(IntOrPercent(.int(Int64(minAvailable)))))])
    return PlanFixtures.plan([PlanFixtures.candidate(replicas: 2, pods: pods)], cluster)
  }

  @Test func textShowsTheStepAndItsETA() {
    #expect(
      RolloutPlanFormat.text(plan(free: 1, minAvailable: 1), cluster: "embedded cluster (in process)") == """
        plan for test on embedded cluster (in process): 1 Deployment to roll out, ETA 11m 0s

        deployment llm/vllm
          replicas:  2
          GPUs:      1 per pod; 1 free on the nodes its pods can land on (busy-1, busy-2, spare-1)
          budget:    1 pod may be down at once (PDB vllm: minAvailable 1, 2 healthy, 1 may go; strategy maxSurge 1, maxUnavailable 0: 1 may go)
          step:      surge 1 per step, 2 steps
          ETA:       11m 0s (2 × 330 s readiness window, after apply pre-pulls the new image on 3 nodes)

        """)
  }

  @Test func textShowsWhyAStepIsBlocked() {
    let blocked = plan(free: 0, minAvailable: 2)
    #expect(blocked.eta == nil)
    #expect(RolloutPlanFormat.json(blocked, cluster: "c", warnings: [])["etaSeconds"] == .null)
    let text = RolloutPlanFormat.text(blocked, cluster: "c")
    #expect(text.hasPrefix("plan for test on c: 1 Deployment to roll out, 1 blocked: nothing will be changed\n"))
    #expect(text.contains(
      "  step:      blocked: 0 free GPUs on the 2 nodes its pods can land on; PDB minAvailable 2 of 2 replicas: no safe step — "
        + "free one GPU or lower minAvailable\n"))
  }

  @Test func jsonCarriesTheNumbers() {
    let json = RolloutPlanFormat.json(plan(free: 0, minAvailable: 1), cluster: "c", warnings: [])
    #expect(json["blocked"] == false)
    #expect(json["etaSeconds"] == 660)
    let entry = json["deployments"]?.arrayValue?.first
    #expect(entry?["step"] == ["kind": "inPlace", "pods": 1, "steps": 2])
    #expect(entry?["freeGPUs"] == 0)
    #expect(entry?[path: ["budget", "allowed"]] == 1)
    #expect(entry?[path: ["budget", "pdbs"]]?.arrayValue?.first?["desiredHealthy"] == 1)
  }

  @Test func sayWhenNothingRolls() {
    #expect(
      RolloutPlanFormat.text(RolloutPlan(environment: "prod", entries: []), cluster: "c")
        == "plan for prod on c: no Deployment's pods change; nothing to roll out\n")
  }
}
