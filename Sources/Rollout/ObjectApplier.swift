public import Diff
public import Kube
public import Manifest

/// Writes objects phase by phase (`ApplyOrder`) with server-side apply under one field manager,
/// forcing conflicts because git wins; waits for CRDs to be established before their custom
/// resources; prunes in reverse order.
public struct ObjectApplier: Sendable {
  public let api: any KubeAPI
  public let fieldManager: String
  public let clock: any Clock<Duration>
  public var width: Int

  public init(api: any KubeAPI, fieldManager: String, clock: any Clock<Duration>, width: Int = 8) {
    self.api = api
    self.fieldManager = fieldManager
    self.clock = clock
    self.width = width
  }

  /// Applies every object; returns what the server stored, in apply order.
  /// `heartbeat` runs between phases (the lock's renewal).
  public func apply(
    _ objects: [DesiredObject], actions: [ResourceID: ObjectDiff.Action], observer: any ApplyObserver,
    heartbeat: @Sendable () async -> Void = {}
  ) async throws(RolloutError) -> [Value] {
    var stored: [Value] = []
    var applied: [ResourceID] = []
    let byPhase = Dictionary(grouping: objects) { ApplyOrder.phase(of: $0.applied.kind ?? "") }
    for phase in byPhase.keys.sorted() {
      await heartbeat()
      // Objects proven unchanged (our manager owns exactly their fields, at these values) are
      // not sent again: the server would do nothing with them.
      let desiredBatch = (byPhase[phase] ?? []).filter { !$0.applyIsNoOp }
      let batch = desiredBatch.map(\.applied)
      let manager = fieldManager
      let results = await BoundedMap.map(batch, width: width) { [api] object in
        do {
          return Swift.Result<Value, KubeError>.success(
            try await api.apply(object, options: ApplyOptions(fieldManager: manager, force: true)))
        } catch let error as KubeError {
          return .failure(error)
        } catch {
          return .failure(.transport("\(error)"))
        }
      }
      for (object, result) in zip(batch, results) {
        guard let id = object.resourceID else { continue }
        switch result {
        case .success(let value):
          stored.append(value)
          applied.append(id)
          await observer.report(.applied(id, actions[id] ?? .update))
        case .failure(let error):
          throw RolloutError.applyFailed(id: id, error: error, applied: applied)
        }
      }
      for object in desiredBatch where !object.foreignFields.isEmpty {
        try await removeForeignFields(object, observer: observer, applied: applied)
      }
      for crd in batch where crd.kind == "CustomResourceDefinition" {
        try await waitUntilEstablished(crd, observer: observer)
      }
    }
    return stored
  }

  /// Git wins over hand edits: fields people added that the overlay does not set are removed.
  func removeForeignFields(_ object: DesiredObject, observer: any ApplyObserver, applied: [ResourceID]) async throws(RolloutError) {
    guard let id = object.applied.resourceID else { return }
    let paths = object.foreignFields.map(\.path)
    guard let patch = ForeignFields.removalPatch(paths) else {
      await observer.report(.warning("\(id): cannot remove hand-added fields \(paths.map(\.description)) (positional list); remove them by hand"))
      return
    }
    do {
      _ = try await api.patch(id, type: .strategicMerge, body: patch, subresource: nil, options: WriteOptions(fieldManager: fieldManager))
      await observer.report(.removedForeign(id, object.foreignFields.map { ($0.path.description, $0.manager) }))
    } catch {
      throw RolloutError.applyFailed(id: id, error: error, applied: applied)
    }
  }

  func waitUntilEstablished(_ crd: Value, observer: any ApplyObserver) async throws(RolloutError) {
    guard let id = crd.resourceID else { return }
    await observer.report(.waitingForCRD(id))
    let stopwatch = Stopwatch(clock)
    while stopwatch.elapsed < .seconds(60) {
      do {
        let live = try await api.get(id)
        let established = live[path: ["status", "conditions"]]?.arrayValue?.contains {
          $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
        }
        if established == true { return }
        try await stopwatch.sleep(for: .seconds(1))
      } catch let error as KubeError {
        throw RolloutError.api(error, doing: "waiting for \(id) to be established")
      } catch {
        throw RolloutError.api(.transport("\(error)"), doing: "waiting for \(id) to be established")
      }
    }
    throw RolloutError.applyFailed(id: id, error: .transport("not Established within 60 s"), applied: [])
  }

  /// Deletes tracked objects no longer rendered, dependents first (reverse apply order).
  public func prune(_ ids: [ResourceID], observer: any ApplyObserver) async throws(RolloutError) {
    let ordered = ids.sorted { ApplyOrder.phase(of: $0.gvk.kind) > ApplyOrder.phase(of: $1.gvk.kind) }
    for id in ordered {
      do {
        _ = try await api.delete(id, options: DeleteOptions(propagationPolicy: .background))
        await observer.report(.pruned(id))
      } catch where error.isNotFound {
        continue
      } catch {
        throw RolloutError.applyFailed(id: id, error: error, applied: [])
      }
    }
  }
}
