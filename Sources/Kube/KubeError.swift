public import Manifest

/// Why an API call failed. `.status` mirrors `meta.v1.Status`, so callers match on code and
/// reason (404 NotFound, 409 Conflict, 422 Invalid with field causes, 429 with retry-after …)
/// exactly as they would against a real API server.
public enum KubeError: Error, Sendable, Equatable, CustomStringConvertible {
  case status(Status)
  /// The request did not complete (connection refused, reset, timeout).
  case transport(String)
  /// The response could not be understood.
  case decoding(String)
  /// Kubeconfig or client setup is wrong; names the file and field.
  case configuration(String)

  public var description: String {
    switch self {
    case .status(let status): return status.message
    case .transport(let message): return "transport: \(message)"
    case .decoding(let message): return "decoding: \(message)"
    case .configuration(let message): return message
    }
  }

  public var code: Int? {
    if case .status(let s) = self { return s.code }
    return nil
  }

  public var reason: StatusReason? {
    if case .status(let s) = self { return s.reason }
    return nil
  }

  public var isNotFound: Bool { reason == .notFound }
  public var isAlreadyExists: Bool { reason == .alreadyExists }
  public var isConflict: Bool { reason == .conflict }
  public var isInvalid: Bool { reason == .invalid }
  public var isTooManyRequests: Bool { reason == .tooManyRequests }
  public var isGone: Bool { reason == .gone || reason == .expired }

  /// `deployments.apps "web" not found`, as the API server words it.
  public static func notFound(_ resource: String, group: String, name: String) -> KubeError {
    .status(Status(code: 404, reason: .notFound, message: "\(qualified(resource, group)) \"\(name)\" not found",
      details: StatusDetails(name: name, group: group, kind: resource)))
  }

  public static func alreadyExists(_ resource: String, group: String, name: String) -> KubeError {
    .status(Status(code: 409, reason: .alreadyExists, message: "\(qualified(resource, group)) \"\(name)\" already exists",
      details: StatusDetails(name: name, group: group, kind: resource)))
  }

  public static func conflict(_ resource: String, group: String, name: String, message: String) -> KubeError {
    .status(Status(code: 409, reason: .conflict,
      message: "Operation cannot be fulfilled on \(qualified(resource, group)) \"\(name)\": \(message)",
      details: StatusDetails(name: name, group: group, kind: resource)))
  }

  /// 422 with one cause per field: `Deployment.apps "web" is invalid: spec.replicas: …`.
  public static func invalid(kind: String, group: String, name: String, causes: [StatusCause]) -> KubeError {
    let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
    let list = causes.map { "\($0.field): \($0.message)" }
    let joined = list.count == 1 ? list[0] : "[\(list.joined(separator: ", "))]"
    return .status(Status(code: 422, reason: .invalid, message: "\(qualifiedKind) \"\(name)\" is invalid: \(joined)",
      details: StatusDetails(name: name, group: group, kind: kind, causes: causes)))
  }

  public static func tooManyRequests(_ message: String, retryAfterSeconds: Int? = nil, causes: [StatusCause] = []) -> KubeError {
    .status(Status(code: 429, reason: .tooManyRequests, message: message,
      details: StatusDetails(causes: causes, retryAfterSeconds: retryAfterSeconds)))
  }

  public static func gone(_ message: String) -> KubeError {
    .status(Status(code: 410, reason: .expired, message: message))
  }

  public static func badRequest(_ message: String) -> KubeError {
    .status(Status(code: 400, reason: .badRequest, message: message))
  }

  public static func internalError(_ message: String) -> KubeError {
    .status(Status(code: 500, reason: .internalError, message: message))
  }

  static func qualified(_ resource: String, _ group: String) -> String {
    group.isEmpty ? resource : "\(resource).\(group)"
  }
}

public enum StatusReason: String, Sendable, Hashable, Codable {
  case notFound = "NotFound"
  case alreadyExists = "AlreadyExists"
  case conflict = "Conflict"
  case invalid = "Invalid"
  case tooManyRequests = "TooManyRequests"
  case forbidden = "Forbidden"
  case unauthorized = "Unauthorized"
  case gone = "Gone"
  case expired = "Expired"
  case internalError = "InternalError"
  case serviceUnavailable = "ServiceUnavailable"
  case badRequest = "BadRequest"
  case methodNotAllowed = "MethodNotAllowed"
  case unsupportedMediaType = "UnsupportedMediaType"
  case timeout = "Timeout"
  case unknown = ""
}

public struct StatusCause: Sendable, Hashable, Codable {
  /// `FieldValueRequired`, `FieldValueInvalid`, `DisruptionBudget`, `FieldManagerConflict` …
  public var type: String
  public var field: String
  public var message: String

  public init(type: String, field: String, message: String) {
    self.type = type
    self.field = field
    self.message = message
  }
}

public struct StatusDetails: Sendable, Hashable, Codable {
  public var name: String?
  public var group: String?
  public var kind: String?
  public var causes: [StatusCause]
  public var retryAfterSeconds: Int?

  public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause] = [], retryAfterSeconds: Int? = nil) {
    self.name = name
    self.group = group
    self.kind = kind
    self.causes = causes
    self.retryAfterSeconds = retryAfterSeconds
  }
}

public struct Status: Sendable, Hashable {
  public var code: Int
  public var reason: StatusReason
  public var message: String
  public var details: StatusDetails?

  public init(code: Int, reason: StatusReason, message: String, details: StatusDetails? = nil) {
    self.code = code
    self.reason = reason
    self.message = message
    self.details = details
  }

  /// The `meta.v1.Status` object an API server sends.
  public var object: Value {
    var status: Value = [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
      "reason": .string(reason.rawValue), "code": .int(Int64(code)),
    ]
    if let details {
      var d: Value = [:]
      if let name = details.name { d["name"] = .string(name) }
      if let group = details.group { d["group"] = .string(group) }
      if let kind = details.kind { d["kind"] = .string(kind) }
      if !details.causes.isEmpty {
        d["causes"] = .array(details.causes.map { ["reason": .string($0.type), "message": .string($0.message), "field": .string($0.field)] })
      }
      if let retry = details.retryAfterSeconds { d["retryAfterSeconds"] = .int(Int64(retry)) }
      status["details"] = d
    }
    return status
  }
}
