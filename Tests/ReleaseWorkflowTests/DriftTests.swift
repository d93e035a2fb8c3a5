import Diff
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// `release drift`: each way the cluster moves away from the last release is classified,
/// with field and field manager, through both routes to the cluster; git moving ahead is
/// pending, not drift; `--correct` restores the release and leaves pending changes alone.
@Suite struct DriftTests {
  static let deployment = ApplyAndDiffTests.deployment
  static let image = "spec.template.spec.containers[name=vllm].image"

  func check(_ harness: WorkflowHarness, _ context: EnvironmentContext) async throws -> DriftReport {
    try await DriftWorkflow.check(context, api: harness.api).report
  }

  static func describe(_ report: DriftReport) -> [String] {
    report.findings.map { finding in
      "\(finding.driftClass.rawValue) \(finding.id.gvk.kind)/\(finding.id.name)"
        + finding.fields.map { " \($0.path)" + ($0.manager.map { " by \($0)" } ?? "") }.joined(separator: ",")
    }
  }

  @Test(arguments: Route.allCases)
  func anUntouchedEnvironmentHasNoDrift(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let report = try await check(harness, context)
    #expect(report.findings.isEmpty, "\(Self.describe(report))")
    #expect(report.revision == 1 && report.checked == context.objects.count)
    #expect(!report.hasDrift(includingPending: true))
  }

  /// A person's edit behind git's back: the class, the field and who made it.
  static let edits: [(name: String, expected: String, edit: @Sendable (any KubeAPI) async throws -> Void)] = [
    ("image by kubectl-edit", "drifted Deployment/vllm \(image) by kubectl-edit", { api in
      _ = try await api.patch(deployment, type: .strategicMerge,
        body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "image": "vllm/vllm-openai:hotfix"]]]]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-edit"))
    }),
    ("env var by kubectl-set", "drifted Deployment/vllm spec.template.spec.containers[name=vllm].env by kubectl-set", { api in
      _ = try await api.patch(deployment, type: .strategicMerge,
        body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "env": [["name": "VLLM_DEBUG", "value": "1"]]]]]]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-set"))
    }),
    ("label by kubectl-label", "drifted Deployment/vllm metadata.labels.environment by kubectl-label", { api in
      _ = try await api.patch(deployment, type: .merge, body: ["metadata": ["labels": ["environment": "hacked"]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-label"))
    }),
    ("label by client-side apply", "drifted Deployment/vllm metadata.labels.team by kubectl-client-side-apply", { api in
      _ = try await api.patch(deployment, type: .merge, body: ["metadata": ["labels": ["team": "oncall"]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-client-side-apply"))
    }),
    ("deleted object", "missing Ingress/vllm", { api in
      _ = try await api.delete(ResourceID(gvk: GroupVersionKind(group: "networking.k8s.io", version: "v1", kind: "Ingress"), namespace: "llm-staging", name: "vllm"),
        options: DeleteOptions())
    }),
    ("added orphan", "orphaned ConfigMap/left-behind", { api in
      _ = try await api.create(["apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": "left-behind", "namespace": "default", "labels": [.init(TrackingLabel.key): "staging"]]],
        options: WriteOptions(fieldManager: "kubectl-create"))
    }),
  ]

  @Test(arguments: Route.allCases, 0..<6)
  func eachEditIsClassifiedWithFieldAndManager(route: Route, index: Int) async throws {
    let (name, expected, edit) = Self.edits[index]
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    try await edit(harness.api)
    let report = try await check(harness, context)
    #expect(Self.describe(report) == [expected], "\(name)")
    #expect(report.hasDrift())
    if name == "added orphan" { #expect(report.findings.first?.managers == ["kubectl-create"]) }
    if name.hasPrefix("image") {
      let field = try #require(report.findings.first?.fields.first)
      #expect(field.released == "vllm/vllm-openai:v0.6.3" && field.current == "vllm/vllm-openai:hotfix" && field.change == .changed)
    }
  }

  @Test(arguments: Route.allCases)
  func replicasWithoutAnAutoscalerAreDriftByTheScaler(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [deploy.yaml]\n",
      "environments/app/deploy.yaml": ApplyAndDiffTests.plainDeployment,
    ])
    _ = try await harness.apply(context)
    let id = ResourceID(gvk: Self.deployment.gvk, namespace: "default", name: "web")
    _ = try await harness.api.patch(id, type: .merge, body: ["spec": ["replicas": 5]], subresource: nil, options: WriteOptions(fieldManager: "kubectl-scale"))
    let report = try await check(harness, context)
    #expect(Self.describe(report) == ["drifted Deployment/web spec.replicas by kubectl-scale"])
    #expect(report.findings.first?.fields.first?.released == 2 && report.findings.first?.fields.first?.current == 5)
  }

  @Test(arguments: Route.allCases)
  func aCommitNotAppliedYetIsPendingNotDrift(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    var context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    context.objects = Self.withImage("vllm/vllm-openai:v0.6.4", in: context.objects)
    let report = try await check(harness, context)
    #expect(Self.describe(report) == ["pending Deployment/vllm \(Self.image)"])
    #expect(report.findings.first?.pendingAction == "update")
    #expect(!report.hasDrift() && report.hasDrift(includingPending: true))
  }

  static func withImage(_ image: String, in objects: [Value]) -> [Value] {
    objects.map { object in
      guard object.kind == "Deployment" else { return object }
      var copy = object
      copy[path: ["spec", "template", "spec", "containers"]] = .array(
        (copy[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []).map { container in
          var c = container
          c["image"] = .string(image)
          return c
        })
      return copy
    }
  }

  static let secretEnvironment = [
    "environments/app/kustomization.yaml": "resources: [secret.yaml]\n",
    "environments/app/secret.yaml": """
      apiVersion: v1
      kind: Secret
      metadata: {name: hf-token, namespace: default}
      stringData: {token: hf_PLAINVALUE123}
      """,
  ]

  @Test(arguments: Route.allCases)
  func secretValuesNeverAppearInAnyFormat(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    var (context, _) = try await WorkflowHarness.scratch(Self.secretEnvironment)
    _ = try await harness.apply(context)
    let id = ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Secret"), namespace: "default", name: "hf-token")
    let edited = Data("hf_EDITEDVALUE456".utf8).base64EncodedString()
    _ = try await harness.api.patch(id, type: .merge, body: ["data": ["token": .string(edited)]], subresource: nil,
      options: WriteOptions(fieldManager: "kubectl-edit"))
    // And git moves too: a pending change of a Secret is masked as well.
    context.objects = context.objects.map { object in
      var copy = object
      copy["stringData"] = ["token": "hf_GITVALUE789"]
      return copy
    }
    let report = try await check(harness, context)
    #expect(Self.describe(report) == ["drifted Secret/hf-token data.token by kubectl-edit", "pending Secret/hf-token data.token"])
    let outputs = [
      DriftTextFormatter.format(report, includingPending: true),
      DriftJSONFormatter.document([DriftJSONFormatter.value(report, includingPending: true)], drift: true),
    ]
    for output in outputs {
      for secret in ["hf_PLAINVALUE123", "hf_EDITEDVALUE456", "hf_GITVALUE789"] {
        #expect(!output.contains(secret))
        #expect(!output.contains(Data(secret.utf8).base64EncodedString()))
      }
      #expect(output.contains("data.token"))
    }
  }

  @Test(arguments: Route.allCases)
  func correctRestoresTheReleaseAndLeavesPendingChangesAlone(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    var context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    try await Self.edits[0].edit(harness.api)  // image by kubectl-edit
    try await Self.edits[4].edit(harness.api)  // Ingress deleted
    context.objects = Self.withImage("vllm/vllm-openai:v0.6.4", in: context.objects)  // pending in git
    let before = try await DriftWorkflow.check(context, api: harness.api)
    #expect(Self.describe(before.report).sorted() == [
      "drifted Deployment/vllm \(Self.image) by kubectl-edit", "missing Ingress/vllm", "pending Deployment/vllm \(Self.image)",
    ])
    let correction = try #require(DriftWorkflow.correction(context, check: before, includePending: false))
    let api = harness.api
    let wallClock = harness.wallClock
    let sim = harness.sim
    let fixed = context
    let outcome = try await sim.run { clock in
      try await DriftWorkflow.correct(
        fixed, correction,
        runner: ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: SimulatedMetrics(sim: sim)))
    }
    guard case .applied(let record, let changes) = outcome else { Issue.record("not applied: \(outcome)"); return }
    #expect(record.revision == 2 && record.note.hasPrefix("drift correction, restoring revision 1"))
    #expect(changes.changed.map { "\($0.action.rawValue) \($0.id.gvk.kind)/\($0.id.name)" }.sorted() == ["create Ingress/vllm", "update Deployment/vllm"])
    let live = try await harness.api.get(Self.deployment)
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "vllm/vllm-openai:v0.6.3")
    let after = try await check(harness, context)
    #expect(Self.describe(after) == ["pending Deployment/vllm \(Self.image)"])
    #expect(after.revision == 2)
  }

  @Test func includingPendingAppliesGit() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    var context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    context.objects = Self.withImage("vllm/vllm-openai:v0.6.4", in: context.objects)
    let before = try await DriftWorkflow.check(context, api: harness.api)
    #expect(DriftWorkflow.correction(context, check: before, includePending: false) == nil)
    let correction = try #require(DriftWorkflow.correction(context, check: before, includePending: true))
    let api = harness.api
    let wallClock = harness.wallClock
    let sim = harness.sim
    let fixed = context
    _ = try await sim.run { clock in
      try await DriftWorkflow.correct(
        fixed, correction,
        runner: ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: SimulatedMetrics(sim: sim)))
    }
    #expect(try await check(harness, context).findings.isEmpty)
  }
}
