public import Manifest

/// One entry of discovery: how a kind is served.
public struct APIResourceInfo: Sendable, Hashable, Codable {
  public var group: String
  public var version: String
  public var kind: String
  /// The plural used in URL paths ("deployments").
  public var resource: String
  public var namespaced: Bool
  public var verbs: [String]
  public var shortNames: [String]
  public var subresources: [String]

  public init(
    group: String, version: String, kind: String, resource: String, namespaced: Bool, verbs: [String],
    shortNames: [String] = [], subresources: [String] = []
  ) {
    self.group = group
    self.version = version
    self.kind = kind
    self.resource = resource
    self.namespaced = namespaced
    self.verbs = verbs
    self.shortNames = shortNames
    self.subresources = subresources
  }

  public var gvk: GroupVersionKind { GroupVersionKind(group: group, version: version, kind: kind) }
}

public struct ListOptions: Sendable, Hashable {
  public var labelSelector: String?
  public var fieldSelector: String?
  public var limit: Int?
  public var continueToken: String?
  public var resourceVersion: String?
  public var allowWatchBookmarks: Bool
  public var timeoutSeconds: Int?

  public init(
    labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
    resourceVersion: String? = nil, allowWatchBookmarks: Bool = false, timeoutSeconds: Int? = nil
  ) {
    self.labelSelector = labelSelector
    self.fieldSelector = fieldSelector
    self.limit = limit
    self.continueToken = continueToken
    self.resourceVersion = resourceVersion
    self.allowWatchBookmarks = allowWatchBookmarks
    self.timeoutSeconds = timeoutSeconds
  }
}

public struct ObjectList: Sendable, Hashable {
  public var items: [Value]
  public var resourceVersion: String
  /// Set when `limit` cut the list short: pass it back as `continueToken` for the rest.
  public var continueToken: String?

  public init(items: [Value], resourceVersion: String, continueToken: String? = nil) {
    self.items = items
    self.resourceVersion = resourceVersion
    self.continueToken = continueToken
  }
}

public struct WriteOptions: Sendable, Hashable {
  public var fieldManager: String?
  public var dryRun: Bool

  public init(fieldManager: String? = nil, dryRun: Bool = false) {
    self.fieldManager = fieldManager
    self.dryRun = dryRun
  }
}

public struct ApplyOptions: Sendable, Hashable {
  public var fieldManager: String
  public var force: Bool
  public var dryRun: Bool

  public init(fieldManager: String, force: Bool = false, dryRun: Bool = false) {
    self.fieldManager = fieldManager
    self.force = force
    self.dryRun = dryRun
  }
}

public enum PatchType: String, Sendable, Hashable, CaseIterable {
  case json = "application/json-patch+json"
  case merge = "application/merge-patch+json"
  case strategicMerge = "application/strategic-merge-patch+json"
  case apply = "application/apply-patch+yaml"
}

public enum PropagationPolicy: String, Sendable, Hashable {
  case background = "Background"
  case foreground = "Foreground"
  case orphan = "Orphan"
}

public struct DeleteOptions: Sendable, Hashable {
  public var propagationPolicy: PropagationPolicy?
  public var gracePeriodSeconds: Int64?
  public var dryRun: Bool
  public var preconditionUID: String?
  public var preconditionResourceVersion: String?

  public init(
    propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int64? = nil, dryRun: Bool = false,
    preconditionUID: String? = nil, preconditionResourceVersion: String? = nil
  ) {
    self.propagationPolicy = propagationPolicy
    self.gracePeriodSeconds = gracePeriodSeconds
    self.dryRun = dryRun
    self.preconditionUID = preconditionUID
    self.preconditionResourceVersion = preconditionResourceVersion
  }
}

public enum WatchEventType: String, Sendable, Hashable {
  case added = "ADDED"
  case modified = "MODIFIED"
  case deleted = "DELETED"
  case bookmark = "BOOKMARK"
  case error = "ERROR"
}

public struct WatchEvent: Sendable, Hashable {
  public var type: WatchEventType
  public var object: Value

  public init(type: WatchEventType, object: Value) {
    self.type = type
    self.object = object
  }
}
