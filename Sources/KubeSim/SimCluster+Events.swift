import Kube
import Manifest

/// Events as upstream's recorders write them, so `kubectl describe` and `kubectl get events`
/// read them as on a real cluster.
///
/// Most components use client-go's core/v1 recorder: an identical event (same source,
/// involved object, type, reason and message) bumps `count` and `lastTimestamp` of the stored
/// one, and the eleventh distinct message of the same source, object, type and reason within
/// ten minutes becomes one "(combined from similar events): …" event (EventCorrelator).
/// The scheduler uses the events.k8s.io recorder: `eventTime`, `action`, the reporting
/// controller and instance, and a repeat becomes a `series` (count, lastObservedTime); upstream
/// writes later counts on a 30-minute heartbeat, the simulation at once.
extension SimCluster {
  struct EventAggregate: Sendable {
    var last: SimInstant
    var messages: Set<String>
  }

  /// Components that report through events.k8s.io/v1.
  static let seriesReporters: Set<String> = ["default-scheduler"]
  /// EventCorrelator's defaults: distinct messages before aggregation, and their window.
  static let aggregateMaxEvents = 10
  static let aggregateWindow: Duration = .seconds(600)

  mutating func recordEvent(
    _ object: Value, type: String = "Normal", reason: String, message: String, component: String, host: String? = nil,
    action: String? = nil
  ) {
    guard let name = object.name else { return }
    let kind = object.kind ?? ""
    let namespaced = BuiltinResources.info(for: object.gvk ?? GroupVersionKind(group: "", version: "v1", kind: kind))?.namespaced ?? true
    // A cluster-scoped object's events live in `default`, their reference has no namespace.
    let namespace = namespaced ? object.namespace ?? "default" : "default"
    var involved: Value = ["kind": .string(kind)]
    if namespaced, let ns = object.namespace { involved["namespace"] = .string(ns) }
    involved["name"] = .string(name)
    // The kubelet refers to its node by name, uid included (kubectl describe node looks both ways).
    let uid = kind == "Node" && component == "kubelet" ? name : object.uid ?? ""
    if !uid.isEmpty { involved["uid"] = .string(uid) }
    involved["apiVersion"] = object["apiVersion"] ?? "v1"
    if let version = object[path: ["metadata", "resourceVersion"]] { involved["resourceVersion"] = version }
    let instance = host ?? (component == "default-scheduler" ? "default-scheduler-sim" : "")
    let identity = Self.eventIdentity(component: component, instance: instance, involved: involved, type: type, reason: reason)
    if Self.seriesReporters.contains(component) {
      recordSeriesEvent(
        involved, namespace: namespace, key: identity + "\u{1F}" + message, type: type, reason: reason, message: message,
        component: component, instance: instance, action: action ?? "")
      return
    }
    // EventAggregator: many distinct messages for one object and reason fold into one event.
    var aggregate = eventAggregates[identity] ?? EventAggregate(last: now, messages: [])
    if aggregate.last.advanced(by: Self.aggregateWindow) < now { aggregate.messages = [] }
    aggregate.last = now
    aggregate.messages.insert(message)
    var key = identity + "\u{1F}" + message
    var text = message
    if aggregate.messages.count >= Self.aggregateMaxEvents {
      key = identity
      text = "(combined from similar events): " + message
      // Upstream pops one message so the set stays at the threshold.
      if let any = aggregate.messages.sorted().first { aggregate.messages.remove(any) }
    }
    eventAggregates[identity] = aggregate
    if let id = eventIndex[key], var event = api.store.get(id) {
      event["count"] = .int((event["count"]?.intValue ?? 1) + 1)
      event["lastTimestamp"] = .string(now.rfc3339)
      event["message"] = .string(text)
      write(event, manager: component)
      return
    }
    var source: Value = ["component": .string(component)]
    if let host { source["host"] = .string(host) }
    let event: Value = [
      "apiVersion": "v1", "kind": "Event",
      "metadata": ["name": .string(eventName(for: name, namespace: namespace)), "namespace": .string(namespace)],
      "involvedObject": involved, "reason": .string(reason), "message": .string(text), "source": source,
      "firstTimestamp": .string(now.rfc3339), "lastTimestamp": .string(now.rfc3339), "count": 1, "type": .string(type),
      "eventTime": .null, "reportingComponent": .string(component), "reportingInstance": .string(instance),
    ]
    if let stored = write(event, manager: component), let id = stored.resourceID { eventIndex[key] = id }
  }

  private mutating func recordSeriesEvent(
    _ involved: Value, namespace: String, key: String, type: String, reason: String, message: String, component: String,
    instance: String, action: String
  ) {
    if let id = eventIndex[key], var event = api.store.get(id) {
      let count = event[path: ["series", "count"]]?.intValue ?? 1
      event["series"] = ["count": .int(count + 1), "lastObservedTime": .string(now.rfc3339Micro)]
      write(event, manager: component)
      return
    }
    let event: Value = [
      "apiVersion": "v1", "kind": "Event",
      "metadata": ["name": .string(eventName(for: involved["name"]?.stringValue ?? "", namespace: namespace)), "namespace": .string(namespace)],
      "involvedObject": involved, "reason": .string(reason), "message": .string(message), "source": [:],
      "firstTimestamp": .null, "lastTimestamp": .null, "type": .string(type), "eventTime": .string(now.rfc3339Micro),
      "action": .string(action), "reportingComponent": .string(component), "reportingInstance": .string(instance),
    ]
    if let stored = write(event, manager: component), let id = stored.resourceID { eventIndex[key] = id }
  }

  /// Upstream's `<object>.<unix nanoseconds in hex>`, from virtual time (so a seed replays);
  /// a clash with a stored event moves on by a nanosecond.
  private func eventName(for object: String, namespace: String) -> String {
    let c = now.sinceEpoch.components
    var nanos = UInt64(SimInstant.epochUnixSeconds + c.seconds) * 1_000_000_000 + UInt64(c.attoseconds / 1_000_000_000)
    while true {
      let name = "\(object).\(String(nanos, radix: 16))"
      if api.store.get(ResourceID(gvk: Self.gvkEvent, namespace: namespace, name: name)) == nil { return name }
      nanos += 1
    }
  }

  /// The aggregate key: who reports, about what, of which type and reason (no message).
  static func eventIdentity(component: String, instance: String, involved: Value, type: String, reason: String) -> String {
    let fields = ["kind", "namespace", "name", "uid", "apiVersion"].map { involved[$0]?.stringValue ?? "" }
    return ([component, instance] + fields + [type, reason]).joined(separator: "\u{1F}")
  }

  /// After a restore: each stored event answers for its key again, so a repeat counts up
  /// instead of starting a new event.
  mutating func rebuildEventIndex() {
    eventIndex = [:]
    for event in api.store.list(Self.gvkEvent) {
      guard let id = event.resourceID else { continue }
      let identity = Self.eventIdentity(
        component: event["reportingComponent"]?.stringValue ?? event[path: ["source", "component"]]?.stringValue ?? "",
        instance: event["reportingInstance"]?.stringValue ?? "", involved: event["involvedObject"] ?? [:],
        type: event["type"]?.stringValue ?? "", reason: event["reason"]?.stringValue ?? "")
      let message = event["message"]?.stringValue ?? ""
      let combined = message.hasPrefix("(combined from similar events): ")
      eventIndex[combined ? identity : identity + "\u{1F}" + message] = id
    }
  }
}

extension SimInstant {
  /// metav1.MicroTime, as events.k8s.io writes `eventTime` ("2026-01-01T00:05:00.000000Z").
  var rfc3339Micro: String {
    let micros = sinceEpoch.components.attoseconds / 1_000_000_000_000
    let digits = String(micros)
    return String(rfc3339.dropLast()) + "." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "Z"
  }
}
