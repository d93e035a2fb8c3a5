import Diff
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// `apply` then `diff` on the example environment, and each way a person changes the cluster
/// behind git's back, through both routes to the cluster.
@Suite struct ApplyAndDiffTests {
  static let deployment = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm-staging", name: "vllm")
  static let edit = WriteOptions(fieldManager: "kubectl-edit")

  @Test(arguments: Route.allCases)
  func applyToAnEmptyClusterThenDiffFindsNothing(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    #expect(try await harness.diff(context).changed.count == context.objects.count)

    let outcome = try await harness.apply(context)
    guard case .applied(let record, let changes) = outcome else { Issue.record("not applied: \(outcome)"); return }
    #expect(record.status == .deployed && record.revision == 1)
    #expect(changes.count(.create) == context.objects.count)
    let live = try await harness.api.get(Self.deployment)
    #expect(WorkloadProgress(of: live).state == .complete)
    #expect(live[path: ["metadata", "labels", TrackingLabel.key]] == "staging")
    // Tracking is metadata only: selectors and pod templates are untouched.
    #expect(live[path: ["spec", "selector", "matchLabels", TrackingLabel.key]] == nil)
    #expect(live[path: ["spec", "template", "metadata", "labels", TrackingLabel.key]] == nil)

    let after = try await harness.diff(context)
    #expect(!after.hasChanges, "\(after.changed)")
    // In sync, the comparison needs no dry run: every object is proven unchanged from its
    // live managedFields and values alone.
    let comparison = try await ClusterComparer(api: harness.api).compare(environment: "staging", rendered: context.objects)
    #expect(comparison.desired.filter { !$0.applyIsNoOp }.compactMap(\.applied.resourceID).isEmpty)
  }

  /// Each edit a person makes behind git's back, and the field `diff` must name.
  static let edits: [(name: String, field: String, edit: @Sendable (any KubeAPI) async throws -> Void)] = [
    ("image", "spec.template.spec.containers[name=vllm].image", { api in
      _ = try await api.patch(deployment, type: .strategicMerge,
        body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "image": "vllm/vllm-openai:hotfix"]]]]]], subresource: nil, options: edit)
    }),
    ("env var", "spec.template.spec.containers[name=vllm].env", { api in
      _ = try await api.patch(deployment, type: .strategicMerge,
        body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "env": [["name": "VLLM_DEBUG", "value": "1"]]]]]]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-set"))
    }),
    ("label", "metadata.labels.environment", { api in
      _ = try await api.patch(deployment, type: .merge, body: ["metadata": ["labels": ["environment": "hacked"]]], subresource: nil,
        options: WriteOptions(fieldManager: "kubectl-label"))
    }),
    ("deleted object", "", { api in
      _ = try await api.delete(ResourceID(gvk: GroupVersionKind(group: "networking.k8s.io", version: "v1", kind: "Ingress"), namespace: "llm-staging", name: "vllm"),
        options: DeleteOptions())
    }),
    ("tracked orphan", "", { api in
      _ = try await api.create(["apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": "left-behind", "namespace": "llm-staging", "labels": [.init(TrackingLabel.key): "staging"]]], options: edit)
    }),
    ("tracked orphan elsewhere", "", { api in
      _ = try await api.create(["apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": "left-behind", "namespace": "default", "labels": [.init(TrackingLabel.key): "staging"]]], options: edit)
    }),
  ]

  @Test(arguments: Route.allCases, 0..<6)
  func eachHandEditIsADifferenceNamingObjectAndField(route: Route, index: Int) async throws {
    let (name, field, edit) = Self.edits[index]
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    try await edit(harness.api)
    let diff = try await harness.diff(context)
    #expect(diff.changes.changed.count == 1, "\(name): \(diff.changed)")
    let object = try #require(diff.changes.changed.first)
    switch name {
    case "deleted object": #expect(object.action == .create && object.id.gvk.kind == "Ingress")
    case "tracked orphan", "tracked orphan elsewhere": #expect(object.action == .prune && object.id.name == "left-behind")
    default:
      #expect(object.id == Self.deployment, "\(name)")
      #expect(object.fields.map(\.path.description) == [field], "\(name): \(diff.changed)")
    }
    // Applying converges: git wins, and the orphan goes with --prune.
    var settings = context.settings
    settings.prune = true
    _ = try await harness.apply(context, settings: settings)
    let converged = try await harness.diff(context)
    #expect(!converged.hasChanges, "\(name) after apply: \(converged.changed) \(converged.changes.changed.map { $0.fields.map { "\($0.old.map(JSON.string) ?? "-") -> \($0.new.map(JSON.string) ?? "-")" } })")
  }

  @Test func aDryRunStopsAfterThePreflightAndWritesNothing() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    var settings = context.settings
    settings.dryRun = true
    let outcome = try await harness.apply(context, settings: settings)
    guard case .dryRun(let changes) = outcome else { Issue.record("not a dry run: \(outcome)"); return }
    #expect(changes.count(.create) == context.objects.count)
    let namespaces = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "Namespace")).items.compactMap(\.name)
    #expect(!namespaces.contains("llm-staging"))
  }

  @Test(arguments: Route.allCases)
  func replicasWithoutAnAutoscalerAreADifference(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [deploy.yaml]\n",
      "environments/app/deploy.yaml": Self.plainDeployment,
    ])
    _ = try await harness.apply(context)
    let id = ResourceID(gvk: Self.deployment.gvk, namespace: "default", name: "web")
    _ = try await harness.api.patch(id, type: .merge, body: ["spec": ["replicas": 5]], subresource: nil, options: WriteOptions(fieldManager: "kubectl-scale"))
    #expect(try await harness.diff(context).changed == ["update Deployment/web: spec.replicas"])
  }

  static let plainDeployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: default}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: web
            image: nginx:1.27
            resources: {requests: {cpu: 500m, memory: 1Gi}}
    """

  @Test(arguments: Route.allCases)
  func replicasAnAutoscalerOwnsAreNeitherADifferenceNorReset(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let hpa = """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: web, namespace: default}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 1
        maxReplicas: 4
        metrics:
        - type: Pods
          pods: {metric: {name: load}, target: {type: AverageValue, averageValue: "1"}}
      """
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [deploy.yaml, hpa.yaml]\n",
      "environments/app/deploy.yaml": Self.plainDeployment, "environments/app/hpa.yaml": hpa,
    ])
    _ = try await harness.apply(context)
    await harness.sim.setMetric("load", value: 3)
    await harness.sim.advance(by: .seconds(60))
    let id = ResourceID(gvk: Self.deployment.gvk, namespace: "default", name: "web")
    #expect(try await harness.api.get(id)[path: ["spec", "replicas"]] == 4)
    #expect(!(try await harness.diff(context).hasChanges))
    _ = try await harness.apply(context)
    #expect(try await harness.api.get(id)[path: ["spec", "replicas"]] == 4)
  }

  @Test(arguments: Route.allCases)
  func equalQuantitiesInOtherUnitsAreNoDifference(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [deploy.yaml]\n",
      "environments/app/deploy.yaml": Self.plainDeployment.replacingOccurrences(of: "cpu: 500m, memory: 1Gi", with: "cpu: 1000m, memory: 1024Mi"),
    ])
    _ = try await harness.apply(context)
    #expect(!(try await harness.diff(context).hasChanges))
  }

  @Test(arguments: Route.allCases)
  func anObjectTheServerRejectsStopsEverythingBeforeAnyWrite(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let broken = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: broken, namespace: default}
      spec:
        selector: {matchLabels: {app: a}}
        template:
          metadata: {labels: {app: b}}
          spec: {containers: [{name: c, image: x}]}
      """
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [cm.yaml, deploy.yaml]\n",
      "environments/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: default}\ndata: {a: b}\n",
      "environments/app/deploy.yaml": broken,
    ])
    let before = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "default").items.count
    do {
      _ = try await harness.apply(context)
      Issue.record("the broken Deployment was accepted")
    } catch let error as RolloutError {
      #expect(error.failure.exit == .badInput)
      #expect(error.description.contains("Deployment.apps/broken"), "\(error)")
      #expect(error.description.contains("selector"), "\(error)")
    }
    let configMaps = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "default").items
    #expect(configMaps.count == before)
    let secrets = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "Secret"), namespace: "default").items
    #expect(secrets.isEmpty, "no release record may be written")
  }
}
