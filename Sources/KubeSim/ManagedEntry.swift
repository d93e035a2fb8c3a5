import Manifest

/// One `metadata.managedFields` entry: which fields a manager owns, and through which operation.
struct ManagedEntry: Sendable, Equatable {
  var manager: String
  var operation: String
  var apiVersion: String
  var leaves: Set<[String]> { didSet { stored = nil } }
  var time: SimInstant { didSet { stored = nil } }
  /// The entry as it was read from an object, while unchanged: controllers rewrite an
  /// object's status on every pass, and rebuilding every manager's fieldsV1 each time was a
  /// large part of a simulated rollout's CPU.
  private var stored: Value?

  var value: Value {
    if let stored { return stored }
    return [
      "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
      "time": .string(time.rfc3339), "fieldsType": "FieldsV1", "fieldsV1": FieldSet.fieldsV1(leaves),
    ]
  }

  init(manager: String, operation: String, apiVersion: String, leaves: Set<[String]>, time: SimInstant) {
    self.manager = manager
    self.operation = operation
    self.apiVersion = apiVersion
    self.leaves = leaves
    self.time = time
  }

  init?(_ value: Value) {
    guard let manager = value["manager"]?.stringValue else { return nil }
    self.manager = manager
    operation = value["operation"]?.stringValue ?? "Update"
    apiVersion = value["apiVersion"]?.stringValue ?? ""
    leaves = FieldSet.leaves(fromFieldsV1: value["fieldsV1"] ?? [:])
    time = SimInstant.parse(value["time"]?.stringValue ?? "") ?? .zero
    // What the API server stored is what it wrote from these same fields (`value`), so it is
    // handed back as read until a field changes.
    stored = value
  }

  static func == (a: ManagedEntry, b: ManagedEntry) -> Bool {
    a.manager == b.manager && a.operation == b.operation && a.apiVersion == b.apiVersion && a.leaves == b.leaves && a.time == b.time
  }
}

extension APIServer {
  func managedEntries(_ object: Value) -> [ManagedEntry] {
    (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap(ManagedEntry.init)
  }

  func setManagedFields(_ object: Value, entries: [ManagedEntry]) -> Value {
    var copy = object
    copy[path: ["metadata", "managedFields"]] = entries.isEmpty ? nil : .array(entries.map(\.value))
    return copy
  }
}
