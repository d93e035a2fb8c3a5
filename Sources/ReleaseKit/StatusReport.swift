public import Kube
internal import Diff
internal import Foundation
public import Manifest
public import Rollout

/// `release status`: the current release and how its workloads stand.
public struct StatusReport: Sendable {
  public struct Workload: Sendable {
    public var id: ResourceID
    public var ready: Int64
    public var desired: Int64
    public var images: [String]
    public var state: String
  }

  public var environment: String
  public var cluster: String
  public var current: ReleaseRecord?
  public var workloads: [Workload]
  /// Objects of the current release whose live state differs from what it applied.
  public var differing: [String]

  public static func gather(_ context: EnvironmentContext, session: ClusterSession, api: any KubeAPI) async throws(ReleaseFailure) -> StatusReport {
    do {
      let namespace = try DiffWorkflow.recordNamespace(context)
      let records = try await ReleaseRecordStore(api: api, namespace: namespace, environment: context.name).all()
      let current = records.first { $0.status == .deployed }
      var workloads: [Workload] = []
      var differing: [String] = []
      if let current {
        for object in current.objects {
          guard let id = object.resourceID, WorkloadProgress.tracks(kind: id.gvk.kind, group: id.gvk.group) else { continue }
          workloads.append(try await workload(id, api: api))
        }
        let check = try await ClusterComparer(api: api).compare(
          environment: context.name, rendered: current.objects, lastApplied: current.objects)
        differing = check.changeSet.objects.filter { $0.action == .create || $0.action == .update }.map { object in
          object.action == .create ? "\(object.id): missing" : "\(object.id): " + object.fields.map(\.path.description).joined(separator: ", ")
        }
      }
      return StatusReport(environment: context.name, cluster: session.label, current: current, workloads: workloads, differing: differing)
    } catch let error as RolloutError {
      throw error.failure
    } catch let error as DiffError {
      throw error.failure
    } catch let error as KubeError {
      throw ReleaseFailure.badInput("reading the workloads of \(context.name): \(error)")
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  static func workload(_ id: ResourceID, api: any KubeAPI) async throws(KubeError) -> Workload {
    let live: Value
    do {
      live = try await api.get(id)
    } catch where error.isNotFound {
      return Workload(id: id, ready: 0, desired: 0, images: [], state: "missing")
    }
    let progress = WorkloadProgress(of: live)
    let images = (live[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
    return Workload(id: id, ready: progress.ready, desired: progress.desired, images: images,
      state: progress.state == .complete ? "rolled out" : progress.message)
  }

  public var text: String {
    var lines = ["environment: \(environment)", "cluster:     \(cluster)"]
    guard let current else {
      lines.append("release:     none (never applied; run `release apply \(environment)`)")
      return lines.joined(separator: "\n") + "\n"
    }
    let commit = current.commit.map { String($0.prefix(12)) + (current.dirty ? " (dirty tree)" : "") } ?? "none (not a git repo)"
    lines.append("release:     revision \(current.revision), \(current.status.rawValue)")
    lines.append("commit:      \(commit)")
    lines.append("applied:     \(ReleaseRecordFormat.time(current.finishedAt ?? current.startedAt)) by \(current.appliedBy)")
    lines.append("live:        " + (differing.isEmpty ? "matches the release" : "differs from the release in \(differing.count) object(s)"))
    for line in differing { lines.append("               \(line)") }
    if !workloads.isEmpty {
      lines.append("workloads:")
      let rows = workloads.map { ["\($0.id.gvk.kind)/\($0.id.name)", "\($0.ready)/\($0.desired) ready", $0.images.joined(separator: ","), $0.state] }
      lines += TextTable.render(rows).map { "  " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  public var json: Value {
    var value: Value = ["environment": .string(environment), "cluster": .string(cluster)]
    value["release"] = current?.summary ?? .null
    value["liveMatchesRelease"] = current == nil ? .null : .bool(differing.isEmpty)
    value["differences"] = .array(differing.map(Value.string))
    value["workloads"] = .array(workloads.map { w in
      ["kind": .string(w.id.gvk.kind), "namespace": w.id.namespace.map(Value.string) ?? .null, "name": .string(w.id.name),
       "ready": .int(w.ready), "desired": .int(w.desired), "images": .array(w.images.map(Value.string)), "state": .string(w.state)]
    })
    return value
  }
}
