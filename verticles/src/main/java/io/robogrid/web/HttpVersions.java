package io.robogrid.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.robogrid.core.ErrorCode;
import io.vertx.core.http.HttpConnection;
import java.nio.charset.StandardCharsets;

/**
 * A request line naming an HTTP version other than 1.0 and 1.1 ({@code GET / HTTP/9.9}) is answered by Vert.x itself,
 * below any handler of ours, with a bare 501: a server error for what is the client's. This sits in front of Vert.x on
 * each HTTP/1 connection and answers such a request 400 INVALID_REQUEST in the API's error shape instead, then closes.
 * <p>
 * It reaches Netty's pipeline through Vert.x's internal connection type; should that change in an upgrade, nothing is
 * installed and Vert.x's 501 comes back (the fuzz test says so).
 */
final class HttpVersions extends ChannelInboundHandlerAdapter {
  private boolean refused;

  private HttpVersions() {}

  /** For {@code HttpServer.connectionHandler}: installs the check on an HTTP/1 connection. */
  static void install(HttpConnection connection) {
    if (!(connection instanceof io.vertx.core.http.impl.HttpServerConnection internal)) return;
    var pipeline = internal.channelHandlerContext().pipeline();
    if (pipeline.get("handler") != null && pipeline.get(HttpVersions.class) == null) pipeline.addBefore("handler", "robogrid-http-versions", new HttpVersions());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused && msg instanceof HttpContent) {
      ReferenceCountUtil.release(msg); // the rest of a refused request
      return;
    }
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess() && !HttpVersion.HTTP_1_1.equals(req.protocolVersion())
        && !HttpVersion.HTTP_1_0.equals(req.protocolVersion())) {
      refused = true;
      ReferenceCountUtil.release(msg);
      byte[] body = ApiErrors.json(ErrorCode.INVALID_REQUEST, req.protocolVersion().text() + " is not spoken here: use HTTP/1.1 (or HTTP/2)")
          .getBytes(StandardCharsets.UTF_8);
      DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
