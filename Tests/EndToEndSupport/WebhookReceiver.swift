import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A webhook endpoint on a free loopback port: answers every POST with 200 and keeps its body.
public final class WebhookReceiver: Sendable {
  let channel: any Channel
  public let port: Int
  let received: NIOLockedValueBox<[String]>
  public var url: String { "http://127.0.0.1:\(port)/hooks/drift" }

  private init(channel: any Channel, port: Int, received: NIOLockedValueBox<[String]>) {
    self.channel = channel
    self.port = port
    self.received = received
  }

  public static func start() async throws -> WebhookReceiver {
    let received = NIOLockedValueBox<[String]>([])
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(ReceiverHandler(received: received))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    guard let port = channel.localAddress?.port else {
      try? await channel.close()
      throw SupportError("the webhook receiver has no port")
    }
    return WebhookReceiver(channel: channel, port: port, received: received)
  }

  /// Bodies of the POSTs so far, in arrival order.
  public var messages: [String] { received.withLockedValue { $0 } }

  public func stop() async { try? await channel.close() }
}

private final class ReceiverHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let received: NIOLockedValueBox<[String]>
  var body = ""
  var isPost = false

  init(received: NIOLockedValueBox<[String]>) { self.received = received }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      isPost = head.method == .POST
      body = ""
    case .body(let buffer):
      body += String(buffer: buffer)
    case .end:
      if isPost { received.withLockedValue { $0.append(body) } }
      var headers = HTTPHeaders()
      headers.add(name: "Content-Length", value: "2")
      context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
      context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
  }
}
