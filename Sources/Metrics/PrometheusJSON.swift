public import Manifest
import Foundation

/// The JSON of Prometheus' instant-query API (`/api/v1/query`), both ways: the client reads
/// it, and the served simulated cluster writes it, so the two cannot drift apart.
public enum PrometheusJSON {
  /// A successful answer: an instant vector at `time` (Unix seconds).
  public static func vector(_ samples: [MetricSample], at time: Double) -> Value {
    let result: [Value] = samples.map { sample in
      let labels = sample.labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }
      return ["metric": .object(.init(uniqueKeysWithValues: labels)), "value": [.float(time), .string(text(sample.value))]]
    }
    return ["status": "success", "data": ["resultType": "vector", "result": .array(result)]]
  }

  /// An error answer, as Prometheus words it (`bad_data`, `execution`, `internal` …).
  public static func error(type: String, message: String) -> Value {
    ["status": "error", "errorType": .string(type), "error": .string(message)]
  }

  /// A sample value as Prometheus writes it: JSON has no NaN or infinities, so values are
  /// strings, with `NaN`, `+Inf` and `-Inf` spelled as Go spells them.
  public static func text(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// The inverse of `text`, also accepting the other spellings Go's ParseFloat does.
  public static func value(_ text: String) -> Double? {
    switch text.lowercased() {
    case "nan": return .nan
    case "+inf", "inf", "+infinity", "infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default:
      // Swift would also read hexadecimal floats; Prometheus never writes them.
      guard !text.lowercased().contains("0x") else { return nil }
      return Double(text)
    }
  }

  /// The samples of a response body, or what went wrong. `status` is the HTTP status; `url`
  /// and `query` are for the messages.
  static func samples(body: [UInt8], status: Int, query: String, url: String) throws(MetricsError) -> [MetricSample] {
    let document: Value
    do {
      document = try JSON.parse(bytes: body, file: url)
    } catch {
      // A proxy in front of Prometheus (or something else entirely) answered.
      if !(200..<300).contains(status) {
        throw .httpStatus(url: url, status: status, errorType: nil, error: snippet(body))
      }
      throw .undecodableResponse(url: url, reason: "not JSON (\(error.description)): \(snippet(body))")
    }
    let outcome = document["status"]?.stringValue
    if outcome != "success" || !(200..<300).contains(status) {
      let errorType = document["errorType"]?.stringValue
      let message = document["error"]?.stringValue
      if errorType == "bad_data" { throw .badQuery(query: query, error: message ?? "refused as bad_data") }
      if outcome == nil && (200..<300).contains(status) {
        throw .undecodableResponse(url: url, reason: "no \"status\" field: \(snippet(body))")
      }
      throw .httpStatus(url: url, status: status, errorType: errorType, error: message ?? snippet(body))
    }
    guard let data = document["data"], let resultType = data["resultType"]?.stringValue else {
      throw .undecodableResponse(url: url, reason: "no data.resultType in a successful answer")
    }
    let result = data["result"] ?? .null
    switch resultType {
    case "vector":
      guard let elements = result.arrayValue else {
        throw .undecodableResponse(url: url, reason: "data.result of a vector is \(result.typeDescription), not a list")
      }
      var samples: [MetricSample] = []
      samples.reserveCapacity(elements.count)
      for (index, element) in elements.enumerated() {
        samples.append(try sample(element, at: "data.result[\(index)]", query: query, url: url))
      }
      return samples
    case "scalar":
      return [MetricSample(labels: [:], value: try pairValue(result, at: "data.result", url: url))]
    case "matrix":
      throw .unsupportedQuery(
        query: query,
        reason: "it evaluates to a range vector (matrix); a gate needs an instant vector or a scalar: "
          + "drop the range `[…]` or wrap it in a function such as rate() or max_over_time()")
    case "string":
      throw .unsupportedQuery(query: query, reason: "it evaluates to a string; a gate needs an instant vector or a scalar")
    default:
      throw .undecodableResponse(url: url, reason: "unknown resultType \"\(resultType)\"")
    }
  }

  private static func sample(_ element: Value, at path: String, query: String, url: String) throws(MetricsError)
    -> MetricSample
  {
    var labels: [String: String] = [:]
    for (name, value) in element["metric"]?.objectValue ?? [:] {
      guard let text = value.stringValue else {
        throw .undecodableResponse(url: url, reason: "\(path).metric.\(name) is \(value.typeDescription), not a string")
      }
      labels[name] = text
    }
    guard let pair = element["value"] else {
      if element["histogram"] != nil {
        throw .unsupportedQuery(
          query: query, reason: "it evaluates to native histogram samples; use histogram_quantile() or histogram_sum()")
      }
      throw .undecodableResponse(url: url, reason: "\(path) has no \"value\"")
    }
    return MetricSample(labels: labels, value: try pairValue(pair, at: "\(path).value", url: url))
  }

  /// `[<unix seconds>, "<value>"]`: the time is the query's, so only the value is kept.
  private static func pairValue(_ pair: Value, at path: String, url: String) throws(MetricsError) -> Double {
    guard let items = pair.arrayValue, items.count == 2 else {
      throw .undecodableResponse(url: url, reason: "\(path) is not a [time, value] pair")
    }
    guard let text = items[1].stringValue else {
      throw .undecodableResponse(url: url, reason: "\(path)[1] is \(items[1].typeDescription), not a string")
    }
    guard let number = value(text) else {
      throw .undecodableResponse(url: url, reason: "\(path)[1] \"\(text)\" is not a number")
    }
    return number
  }

  /// The start of a body that was not what we expected, on one line, for a message.
  static func snippet(_ body: [UInt8]) -> String {
    let text = String(decoding: body.prefix(200), as: UTF8.self)
      .split(whereSeparator: \.isNewline).joined(separator: " ")
      .trimmingCharacters(in: .whitespaces)
    if text.isEmpty { return "(empty body)" }
    return body.count > 200 ? text + " …" : text
  }
}
