import Diff
import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Testing

/// `release drift --all`: environments on one cluster share their LISTs, and sharing changes
/// nothing in what each one reports.
@Suite struct SharedListingTests {
  static func environment(_ name: String) -> [String: String] {
    [
      "environments/\(name)/release.yaml": "apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster: {embedded: {}}\n",
      "environments/\(name)/kustomization.yaml": "namespace: team-\(name)\nresources: [objects.yaml]\n",
      "environments/\(name)/objects.yaml": """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-\(name)}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {mode: \(name)}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {ports: [{port: 80}]}

        """,
    ]
  }

  func repository(_ names: [String]) throws -> EnvironmentRepository {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("release-shared-\(UUID().uuidString)").path
    for (path, text) in names.flatMap({ Self.environment($0) }) {
      let url = URL(fileURLWithPath: root + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return EnvironmentRepository(root: root)
  }

  @Test(arguments: Route.allCases)
  func environmentsOnOneClusterListEachScopeOnceAndReportTheSame(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let names = ["a", "b", "c"]
    let repository = try repository(names)
    defer { try? FileManager.default.removeItem(atPath: repository.root) }
    var contexts: [EnvironmentContext] = []
    for name in names {
      let context = try await EnvironmentContext.load(name, repository: repository)
      _ = try await harness.apply(context)
      contexts.append(context)
    }
    // Something to find in each class the shared LISTs must still tell apart: an edit in b,
    // an object deleted from c, and an orphan of a's in b's namespace.
    let settingsB = ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "team-b", name: "settings")
    _ = try await harness.api.patch(settingsB, type: .merge, body: ["data": ["mode": "hacked"]], subresource: nil, options: WriteOptions(fieldManager: "kubectl-edit"))
    _ = try await harness.api.delete(
      ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Service"), namespace: "team-c", name: "api"), options: DeleteOptions())
    let orphan: Value = [
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": ["name": "left-behind", "namespace": "team-b", "labels": .object([TrackingLabel.key: "a"])],
    ]
    _ = try await harness.api.create(orphan, options: WriteOptions(fieldManager: "release"))

    var alone: [[String]] = []
    var listedAlone = 0
    for context in contexts {
      let own = SharedListing()
      alone.append(DriftTests.describe(try await DriftWorkflow.check(context, api: harness.api, sharing: own).report))
      listedAlone += await own.listed
    }
    let shared = SharedListing()
    var together: [[String]] = []
    for context in contexts {
      together.append(DriftTests.describe(try await DriftWorkflow.check(context, api: harness.api, sharing: shared).report))
    }
    let listedTogether = await shared.listed

    #expect(together == alone)
    #expect(alone[0].contains("orphaned ConfigMap/left-behind"), "\(alone[0])")
    #expect(alone[1].contains { $0.hasPrefix("drifted ConfigMap/settings data.mode by kubectl-edit") }, "\(alone[1])")
    #expect(alone[2].contains("missing Service/api"), "\(alone[2])")
    #expect(!alone[1].contains { $0.contains("left-behind") }, "b's namespace holds a's orphan, not b's")
    // Alone, each environment lists its own namespaces' kinds plus a labelled LIST per kind
    // and the Namespaces; together the labelled LISTs and the Namespaces are listed once.
    #expect(listedTogether < listedAlone, "\(listedTogether) LISTs shared vs \(listedAlone) alone")
    #expect(listedAlone - listedTogether >= 2 * 3, "\(listedTogether) shared vs \(listedAlone)")
  }
}
