import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// Lint over whole environments: the repo's examples, a simulated cluster read through
/// `KubeAPI`, and what `apply` is handed.
@Suite struct LintWorkflowTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  static func example(_ name: String) async throws -> EnvironmentContext {
    try await EnvironmentContext.load(name, repository: EnvironmentRepository(root: packageRoot))
  }

  @Test(arguments: ["staging", "prod"]) func theExampleEnvironmentsHaveNoErrors(_ name: String) async throws {
    let report = await LintWorkflow.lint(try await Self.example(name), api: nil)
    #expect(report.errors.map(LintFixtures.line) == [])
    #expect(report.warnings.map(LintFixtures.line) == [])
    #expect(report.skipped.map(\.rule) == ["pdb-safe-step"])
    #expect(report.rules.count == Linter.defaultRules.count - 1)
  }

  @Test(arguments: ["staging", "prod"]) func theExampleEnvironmentsAreCleanOnTheDefaultCluster(_ name: String) async throws {
    let report = await LintWorkflow.lint(try await Self.example(name), api: KubeSim())
    #expect(report.skipped == [])
    #expect(report.notes == [])
    #expect(report.findings.map(LintFixtures.line) == [])
  }

  @Test func readsTheLiveReplicasAndFreeGPUsOfACluster() async throws {
    // Three single-GPU nodes, all held by a running vllm whose PDB keeps every pod.
    let sim = KubeSim()
    let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]
    let rendered = [namespace] + (try LintFixtures.objects(LintFixtures.deployment(replicas: 3) + LintFixtures.pdb("minAvailable: 3")))
    for object in rendered { _ = try await sim.apply(object, options: ApplyOptions(fieldManager: "release")) }
    await sim.advance(by: .seconds(600))

    let cluster = try await LintClusterReader(api: sim).read(rendered)
    // The template tolerates nothing: the server's admission adds the GPU toleration, so the tainted GPU nodes count.
    #expect(cluster.notes == [])
    #expect(cluster.candidates.map(\.pods.count) == [3])
    #expect(cluster.candidates.map(\.isNew) == [false])

    let report = Linter().lint(environment: "test", input: LintInput(objects: rendered, cluster: cluster))
    #expect(
      report.findings.map(LintFixtures.line) == [
        "PodDisruptionBudget.policy/vllm in namespace llm spec.minAvailable: \(LintFixtures.vllm): 0 free GPUs on the 3 nodes its pods "
          + "can land on; PDB minAvailable 3 of 3 replicas: no safe step"
      ])
    #expect(report.findings.map(\.severity) == [.warning])
  }

  @Test func aClusterThatCannotBeReadSkipsItsCheckAndSaysWhy() async throws {
    let context = try await Self.example("staging")
    let report = await LintWorkflow.lint(context, api: RefusingAPI())
    #expect(report.skipped.map(\.rule) == ["pdb-safe-step"])
    #expect(report.skipped.first?.reason == "the cluster could not be read: listing nodes for GPU capacity: transport: connection refused")
  }

  @Test func applyIsStoppedByErrorsAndToldOfWarnings() throws {
    let objects = try LintFixtures.objects(
      LintFixtures.deployment(image: "vllm/vllm-openai:latest", probe: nil) + LintFixtures.hpa(min: 1)
        + LintFixtures.pdb("minAvailable: 2"))
    let report = Linter().lint(environment: "staging", input: LintInput(objects: objects))
    #expect(report.findings.map(\.rule) == ["image-tag", "readiness-probe", "hpa-min-below-pdb"])
    do {
      try LintWorkflow.requireNoErrors(report)
      Issue.record("errors must stop the apply")
    } catch {
      #expect(error.exit == .badInput)
      #expect(
        error.message == """
          lint found 2 errors in environment staging; nothing was changed
            \(LintFixtures.vllm): \(LintFixtures.containerPath).image: container vllm: image vllm/vllm-openai:latest uses the tag latest [image-tag]
            \(LintFixtures.vllm): \(LintFixtures.containerPath).readinessProbe: GPU container vllm has no readinessProbe [readiness-probe]
          """)
    }
    let warningsOnly = LintReport(environment: "staging", findings: report.warnings)
    #expect(throws: Never.self) { try LintWorkflow.requireNoErrors(warningsOnly) }
  }

  @Test func everyRuleHasItsOwnIdAndExplainsItself() throws {
    let ids = Linter.defaultRules.map(\.id)
    #expect(Set(ids).count == ids.count)
    let bad = LintFixtures.deployment(image: "app", deadline: 60, resources: "{requests: {nvidia.com/gpu: 1}}", probe: nil)
    let report = Linter().lint(environment: "test", input: LintInput(objects: try LintFixtures.objects(bad)))
    #expect(Set(report.findings.map(\.rule)) == ["image-tag", "readiness-probe", "progress-deadline", "gpu-limits"])
    for finding in report.findings {
      #expect(!finding.why.isEmpty && !finding.fix.isEmpty, "\(finding.rule)")
    }
  }

  @Test func printsEachFindingWithItsObjectFieldReasonAndFix() throws {
    let objects = try LintFixtures.objects(LintFixtures.deployment(deadline: 300))
    let report = Linter().lint(environment: "staging", input: LintInput(objects: objects), noCluster: "no cluster (--no-cluster)")
    #expect(
      LintReportFormat.text(report, cluster: nil) == """
        lint for staging: 1 error, 0 warnings

        error [progress-deadline] \(LintFixtures.vllm)
          field:  spec.progressDeadlineSeconds
          what:   progressDeadlineSeconds 300 is shorter than image pull (120 s allowed) + readiness window 330 s (initialDelaySeconds + periodSeconds × failureThreshold) = 450 s
          why:    \(report.findings[0].why)
          fix:    set spec.progressDeadlineSeconds to at least 450, with slack for a slow pull (e.g. 720)

        skipped [pdb-safe-step]: no cluster (--no-cluster)

        """)
    let json = LintReportFormat.json(report, cluster: nil)
    #expect(json["errors"] == 1)
    #expect(json[path: ["findings"]]?.arrayValue?.first?["field"] == "spec.progressDeadlineSeconds")
    #expect(json[path: ["findings"]]?.arrayValue?.first?[path: ["object", "kind"]] == "Deployment")
  }
}

/// A cluster that cannot be reached: every call fails as a refused connection does.
struct RefusingAPI: KubeAPI {
  var error: KubeError { .transport("connection refused") }
  func discovery() async throws(KubeError) -> [APIResourceInfo] { throw error }
  func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value { throw error }
  func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList { throw error }
  func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  { throw error }
  func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value { throw error }
  func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value { throw error }
  func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value { throw error }
  func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    throw error
  }
  func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? { throw error }
  func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) { throw error }
}
