public import Foundation
public import Manifest

/// Turns a failed HTTP response into the `KubeError` the API server meant: its meta.v1
/// Status when the body is one, otherwise a Status built from the HTTP code alone (as
/// client-go's generic server response does). The body is never copied into the message
/// unless it is a Status, so nothing the server echoed (a Secret's data) leaks.
public enum StatusDecoding {
  public static func error(status: Int, headers: [HTTPHeader], body: Data) -> KubeError {
    let retryAfter = headers.first { $0.name.caseInsensitiveCompare("Retry-After") == .orderedSame }
      .flatMap { Int($0.value.trimmingCharacters(in: .whitespaces)) }
    if let value = try? JSON.parse(bytes: Array(body)), var decoded = self.status(from: value) {
      if decoded.code == 0 { decoded.code = status }
      if retryAfter != nil, decoded.details?.retryAfterSeconds == nil {
        var details = decoded.details ?? StatusDetails()
        details.retryAfterSeconds = retryAfter
        decoded.details = details
      }
      return .status(decoded)
    }
    var generic = genericStatus(code: status)
    if let retryAfter { generic.details = StatusDetails(retryAfterSeconds: retryAfter) }
    return .status(generic)
  }

  /// A `kind: Status` object (an error reply or a watch ERROR event), or nil.
  public static func status(from value: Value) -> Status? {
    guard value["kind"]?.stringValue == "Status" else { return nil }
    let code = Int(value["code"]?.intValue ?? 0)
    let reason = StatusReason(rawValue: value["reason"]?.stringValue ?? "") ?? .unknown
    let message = value["message"]?.stringValue ?? ""
    var details: StatusDetails?
    if let d = value["details"], d.objectValue != nil {
      let causes = (d["causes"]?.arrayValue ?? []).map {
        StatusCause(
          type: $0["reason"]?.stringValue ?? "", field: $0["field"]?.stringValue ?? "",
          message: $0["message"]?.stringValue ?? "")
      }
      details = StatusDetails(
        name: d["name"]?.stringValue, group: d["group"]?.stringValue, kind: d["kind"]?.stringValue, causes: causes,
        retryAfterSeconds: d["retryAfterSeconds"]?.intValue.map { Int($0) })
    }
    return Status(code: code, reason: reason, message: message, details: details)
  }

  static func genericStatus(code: Int) -> Status {
    let (reason, message): (StatusReason, String) =
      switch code {
      case 400: (.badRequest, "the server rejected our request for an unknown reason")
      case 401: (.unauthorized, "the server has asked for the client to provide credentials")
      case 403: (.forbidden, "the server does not allow access to the requested resource")
      case 404: (.notFound, "the server could not find the requested resource")
      case 405: (.methodNotAllowed, "the server does not allow this method on the requested resource")
      case 409: (.conflict, "the server reported a conflict")
      case 410: (.gone, "the server reported that the requested resource is gone")
      case 422: (.invalid, "the server rejected our request due to an error in our request")
      case 429: (.tooManyRequests, "the server has received too many requests and has asked us to try again later")
      case 500: (.internalError, "an error on the server has prevented the request from succeeding")
      case 503: (.serviceUnavailable, "the server is currently unable to handle the request")
      case 504:
        (
          .timeout,
          "the server was unable to return a response in the time allotted, but may still be processing the request"
        )
      default: (.unknown, "an error on the server (HTTP \(code)) has prevented the request from succeeding")
      }
    return Status(code: code, reason: reason, message: message)
  }
}
