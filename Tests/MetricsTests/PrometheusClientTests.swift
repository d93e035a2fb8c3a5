import Foundation
import Kube
import KubeTestSupport
import Metrics
import Testing

@Suite("Prometheus client")
struct PrometheusClientTests {
  static let base = "http://prom.test:9090"
  static let endpoint = "http://prom.test:9090/api/v1/query"
  static let at = Date(timeIntervalSince1970: 1_767_225_600.25)

  static func client(
    _ transport: ScriptedTransport, url: String = base, token: String? = nil, clock: RecordingClock = RecordingClock(),
    retry: RetryPolicy = RetryPolicy(maxAttempts: 3)
  ) throws -> PrometheusClient {
    try PrometheusClient(
      url: url, bearerToken: token, timeout: .seconds(5), retry: retry, transport: transport, clock: clock)
  }

  static func vector(_ samples: String) -> String {
    #"{"status":"success","data":{"resultType":"vector","result":[\#(samples)]}}"#
  }

  @Test func decodesAVectorWithItsLabels() async throws {
    let transport = ScriptedTransport(
      json: Self.vector(
        #"{"metric":{"__name__":"release:request_error_ratio","pod":"vllm-a"},"value":[1767225600.25,"0.2"]},"#
          + #"{"metric":{"__name__":"release:request_error_ratio","pod":"vllm-b"},"value":[1767225600.25,"1e-03"]}"#))
    let samples = try await Self.client(transport).query("release:request_error_ratio", at: Self.at)
    #expect(
      samples == [
        MetricSample(labels: ["__name__": "release:request_error_ratio", "pod": "vllm-a"], value: 0.2),
        MetricSample(labels: ["__name__": "release:request_error_ratio", "pod": "vllm-b"], value: 0.001),
      ])
  }

  @Test func decodesAScalarAsOneSampleWithoutLabels() async throws {
    let transport = ScriptedTransport(
      json: #"{"status":"success","data":{"resultType":"scalar","result":[1767225600.25,"0.95"]}}"#)
    let samples = try await Self.client(transport).query("scalar(max(vllm:gpu_cache_usage_perc))", at: Self.at)
    #expect(samples == [MetricSample(labels: [:], value: 0.95)])
  }

  @Test func readsNaNAndInfinitiesAsPrometheusSpellsThem() async throws {
    let transport = ScriptedTransport(
      json: Self.vector(
        #"{"metric":{"s":"nan"},"value":[1,"NaN"]},{"metric":{"s":"pos"},"value":[1,"+Inf"]},"#
          + #"{"metric":{"s":"neg"},"value":[1,"-Inf"]}"#))
    let samples = try await Self.client(transport).query("x", at: Self.at)
    #expect(samples.count == 3)
    #expect(samples[0].value.isNaN)
    #expect(samples[1].value == .infinity)
    #expect(samples[2].value == -.infinity)
  }

  @Test func anEmptyVectorIsNoData() async throws {
    let samples = try await Self.client(ScriptedTransport(json: Self.vector(""))).query("absent_series", at: Self.at)
    #expect(samples.isEmpty)
  }

  @Test(arguments: [
    (#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}"#, "range vector"),
    (#"{"status":"success","data":{"resultType":"string","result":[1,"hello"]}}"#, "a string"),
  ])
  func refusesResultsThatAreNotInstantVectorsOrScalars(body: String, words: String) async throws {
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(ScriptedTransport(json: body)).query("up[5m]", at: Self.at)
    }
    guard case .unsupportedQuery(let query, let reason) = error else {
      Issue.record("expected unsupportedQuery, got \(String(describing: error))")
      return
    }
    #expect(query == "up[5m]")
    #expect(reason.contains(words))
    #expect(error?.description.hasPrefix("unsupported query `up[5m]`: ") == true)
  }

  @Test func badDataIsABadQueryThatQuotesTheQuery() async throws {
    let transport = ScriptedTransport([
      .answer(
        status: 400,
        body: #"{"status":"error","errorType":"bad_data","error":"1:7: parse error: unclosed left parenthesis"}"#)
    ])
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(transport).query("max(up", at: Self.at)
    }
    #expect(error == .badQuery(query: "max(up", error: "1:7: parse error: unclosed left parenthesis"))
    #expect(error?.description == "bad query `max(up`: 1:7: parse error: unclosed left parenthesis")
    #expect(transport.requests.count == 1, "a refused query is not retried")
  }

  @Test func anExecutionErrorNamesTheStatusAndPrometheusWords() async throws {
    let transport = ScriptedTransport([
      .answer(
        status: 422,
        body: #"{"status":"error","errorType":"execution","error":"query processing would load too many samples"}"#)
    ])
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(transport).query("sum(x)", at: Self.at)
    }
    #expect(
      error
        == .httpStatus(
          url: Self.endpoint, status: 422, errorType: "execution", error: "query processing would load too many samples"))
    #expect(
      error?.description
        == "Prometheus at \(Self.endpoint) answered HTTP 422: execution: query processing would load too many samples")
  }

  @Test func aProxyErrorPageIsReportedWithItsStatusAfterTheRetries() async throws {
    let transport = ScriptedTransport([.answer(status: 502, body: "<html>\n<h1>502 Bad Gateway</h1>\n</html>")])
    let clock = RecordingClock()
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(transport, clock: clock).query("up", at: Self.at)
    }
    #expect(
      error == .httpStatus(url: Self.endpoint, status: 502, errorType: nil, error: "<html> <h1>502 Bad Gateway</h1> </html>"))
    #expect(transport.requests.count == 3)
    #expect(clock.sleeps.count == 2)
  }

  @Test func retriesAnUnavailablePrometheusThenAnswers() async throws {
    let transport = ScriptedTransport([
      .answer(status: 503, body: "", headers: [HTTPHeader("Retry-After", "2")]),
      .fail(TransportError(.connectionLost, "Recv failure: Connection reset by peer")),
      .answer(status: 200, body: Self.vector(#"{"metric":{},"value":[1,"1"]}"#)),
    ])
    let clock = RecordingClock()
    let samples = try await Self.client(transport, clock: clock).query("up", at: Self.at)
    #expect(samples == [MetricSample(labels: [:], value: 1)])
    #expect(transport.requests.count == 3)
    #expect(clock.sleeps.first == .seconds(2), "Retry-After is honoured")
  }

  @Test func unreachableNamesTheURLAndTheTransportError() async throws {
    let transport = ScriptedTransport([
      .fail(TransportError(.couldNotConnect, "Failed to connect to prom.test port 9090: Connection refused"))
    ])
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(transport).query("up", at: Self.at)
    }
    #expect(
      error == .unreachable(url: Self.endpoint, reason: "Failed to connect to prom.test port 9090: Connection refused"))
    #expect(
      error?.description
        == "Prometheus at \(Self.endpoint) is unreachable: Failed to connect to prom.test port 9090: Connection refused")
    #expect(transport.requests.count == 3)
  }

  @Test(arguments: [
    ("<html>maintenance</html>", "not JSON"),
    (#"{"data":{}}"#, "no \"status\""),
    (#"{"status":"success","data":{}}"#, "resultType"),
    (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"many"]}]}}"#, "\"many\" is not a number"),
    (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#, "metric.a"),
    (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#, "[time, value]"),
  ])
  func anAnswerThatIsNotThePrometheusAPIIsUndecodable(body: String, words: String) async throws {
    let error = await #expect(throws: MetricsError.self) {
      try await Self.client(ScriptedTransport(json: body)).query("up", at: Self.at)
    }
    guard case .undecodableResponse(let url, let reason) = error else {
      Issue.record("expected undecodableResponse, got \(String(describing: error))")
      return
    }
    #expect(url == Self.endpoint)
    #expect(reason.contains(words), "\(reason)")
  }

  @Test func sendsAnIdempotentGETWithTheEncodedQueryAndFractionalTime() async throws {
    let transport = ScriptedTransport(json: Self.vector(""))
    let client = try Self.client(transport, url: "https://proxy.test/prometheus/", token: "s3cret-token")
    _ = try await client.query(#"max by (pod) (release:request_error_ratio{namespace="llm", image=~"v.+"})"#, at: Self.at)
    let request = try #require(transport.requests.first)
    #expect(request.method == "GET")
    #expect(request.isIdempotent)
    #expect(request.timeout == .seconds(5))
    #expect(request.body == nil)
    #expect(
      request.url
        == "https://proxy.test/prometheus/api/v1/query?query=max%20by%20%28pod%29%20%28release%3Arequest_error_ratio"
        + "%7Bnamespace%3D%22llm%22%2C%20image%3D~%22v.%2B%22%7D%29&time=1767225600.250")
    #expect(request.header("Authorization") == "Bearer s3cret-token")
    #expect(request.header("Accept") == "application/json")
  }

  @Test func neverShowsTheToken() async throws {
    let transport = ScriptedTransport([
      .answer(status: 401, body: #"{"status":"error","errorType":"unauthorized","error":"bad token"}"#)
    ])
    let client = try Self.client(transport, token: "s3cret-token")
    let error = await #expect(throws: MetricsError.self) { try await client.query("up", at: Self.at) }
    #expect(error == .httpStatus(url: Self.endpoint, status: 401, errorType: "unauthorized", error: "bad token"))
    #expect(transport.requests.count == 2, "a 401 fetches the credentials again once")
    for shown in [client.description, error?.description ?? "", transport.requests[0].description] {
      #expect(!shown.contains("s3cret"), "\(shown)")
    }
    #expect(transport.requests[0].description.contains("Authorization: Bearer ***"))
  }

  @Test(arguments: [
    ("prom.test:9090", "not an http(s) URL"),
    ("ftp://prom.test", "not an http(s) URL"),
    ("http://prom.test:9090?x=1", "no query"),
    ("http://admin:hunter2@prom.test:9090", "credentials in the URL"),
  ])
  func refusesAURLItCannotUse(url: String, words: String) throws {
    let error = #expect(throws: MetricsError.self) {
      try PrometheusClient(url: url, transport: ScriptedTransport(json: ""))
    }
    guard case .invalidURL(_, let reason) = error else {
      Issue.record("expected invalidURL, got \(String(describing: error))")
      return
    }
    #expect(reason.contains(words))
    #expect(error?.description.contains("hunter2") == false)
  }
}
