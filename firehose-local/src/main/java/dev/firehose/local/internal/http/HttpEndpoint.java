package dev.firehose.local.internal.http;

import dev.firehose.local.cloudwatch.CloudWatchService;
import dev.firehose.local.cloudwatch.HttpReply;
import dev.firehose.local.internal.AdminApi;
import dev.firehose.local.internal.FirehoseApi;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.Reply;
import dev.firehose.local.internal.s3.S3Api;
import dev.firehose.local.internal.s3.S3Request;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP/1.1 server (Netty, bound to 127.0.0.1 unless told otherwise): routes {@code POST /} to
 * the Firehose protocol, {@link CloudWatchService#PATH_PREFIX}, CloudWatch JSON targets and
 * form-encoded query-protocol calls to CloudWatch, {@code /_local/} to the admin endpoint, and the
 * other GET, HEAD, PUT and DELETE requests, and POSTs below a bucket, to the S3 API.
 * Requests are handled on the event-loop thread that read them; added latency is a scheduled
 * write, never a sleep; a dropped connection is closed with nothing written.
 */
public final class HttpEndpoint implements AutoCloseable {

    /** Largest request body accepted (larger ones get 413): far above 4 MiB of base64 records. */
    public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private final FirehoseApi firehose;
    private final CloudWatchService cloudWatch;
    private final AdminApi admin;
    private final S3Api s3;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicLong requestIds = new AtomicLong();
    private Channel server;

    public HttpEndpoint(FirehoseApi firehose, CloudWatchService cloudWatch, AdminApi admin, S3Api s3, int ioThreads) {
        this.firehose = firehose;
        this.cloudWatch = cloudWatch;
        this.admin = admin;
        this.s3 = s3;
        this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("firehose-local-accept", true));
        this.workers = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("firehose-local-io", true));
    }

    /** Binds {@code host}:{@code port} (0 = a free port) and returns the bound port. */
    public int start(String host, int port) {
        Handler handler = new Handler();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast(handler);
                    }
                });
        try {
            server = b.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while binding port " + port, e);
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("Cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops accepting, closes open connections and the event loops; waits for them to end. */
    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                send(ctx, Reply.error(400, "BadRequest", "Malformed HTTP request"), false);
                return;
            }
            ByteBuf content = req.content();
            int length = content.readableBytes();
            byte[] body;
            int offset;
            if (content.hasArray()) {
                body = content.array();
                offset = content.arrayOffset() + content.readerIndex();
            } else {
                body = new byte[length];
                content.getBytes(content.readerIndex(), body);
                offset = 0;
            }
            String uri = req.uri();
            boolean root = uri.equals("/") || uri.startsWith("/?");
            if (!uri.startsWith(CloudWatchService.PATH_PREFIX) && !uri.startsWith(AdminApi.PATH_PREFIX)
                    && S3Api.serves(req.method().name(), uri) && !(root && CloudWatchService.handlesQuery(
                            req.method().name(), req.headers().get(HttpHeaderNames.CONTENT_TYPE), uri))) {
                S3ReplyWriter.send(ctx, s3.handle(S3Request.of(req.method().name(), uri, lowerCaseHeaders(req),
                        copy(body, offset, length))), keepAlive);
                return;
            }
            Reply reply;
            try {
                if (uri.startsWith(CloudWatchService.PATH_PREFIX)) {
                    reply = cloudWatch(req, uri, copy(body, offset, length));
                } else if (uri.startsWith(AdminApi.PATH_PREFIX)) {
                    reply = admin.handle(req.method().name(), uri, copy(body, offset, length));
                } else if (req.method() == HttpMethod.POST && (uri.equals("/") || uri.startsWith("/?"))
                        && CloudWatchService.handlesTarget(req.headers().get("X-Amz-Target"))) {
                    reply = cloudWatchJson(req, copy(body, offset, length));
                } else if ((uri.equals("/") || uri.startsWith("/?")) && !req.headers().contains("X-Amz-Target")
                        && CloudWatchService.handlesQuery(req.method().name(), req.headers().get(HttpHeaderNames.CONTENT_TYPE), uri)) {
                    reply = reply(cloudWatch.handleQuery(uri, lowerCaseHeaders(req), copy(body, offset, length)));
                } else if (req.method() == HttpMethod.POST && (uri.equals("/") || uri.startsWith("/?"))) {
                    reply = firehose.handle(req.headers().get("X-Amz-Target"), req.headers().get(HttpHeaderNames.AUTHORIZATION),
                            uri.contains("X-Amz-Signature="), body, offset, length);
                } else {
                    reply = Reply.error(404, ApiError.UNKNOWN_OPERATION,
                            "No operation at " + req.method() + " " + uri + "; Firehose calls are POST /");
                }
            } catch (RuntimeException e) {
                log.error("Internal error on {} {}", req.method(), uri, e);
                reply = Reply.error(500, ApiError.INTERNAL_FAILURE, "Internal failure: " + e);
            }
            if (reply.delayNanos() > 0) {
                Reply r = reply;
                ctx.executor().schedule(() -> send(ctx, r, keepAlive), reply.delayNanos(), TimeUnit.NANOSECONDS);
            } else {
                send(ctx, reply, keepAlive);
            }
        }

        private Reply cloudWatch(FullHttpRequest req, String uri, byte[] body) {
            int q = uri.indexOf('?');
            return reply(cloudWatch.handle(q < 0 ? uri : uri.substring(0, q), lowerCaseHeaders(req), body));
        }

        private Reply cloudWatchJson(FullHttpRequest req, byte[] body) {
            return reply(cloudWatch.handleJson(req.headers().get("X-Amz-Target"), lowerCaseHeaders(req), body));
        }

        private static Map<String, String> lowerCaseHeaders(FullHttpRequest req) {
            Map<String, String> headers = new HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            return headers;
        }

        private static Reply reply(HttpReply r) {
            return new Reply(r.status(), r.headers(), r.body(), r.body().length, false, 0);
        }

        private void send(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            if (reply.drop()) {
                ctx.channel().close();
                return;
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body(), 0, reply.bodyLength()));
            reply.headers().forEach((k, v) -> res.headers().set(k, v));
            res.headers().set("x-amzn-RequestId", Long.toHexString(requestIds.incrementAndGet()));
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.bodyLength());
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Connection error, closing {}", ctx.channel(), cause);
            ctx.close();
        }
    }

    private static byte[] copy(byte[] body, int offset, int length) {
        if (offset == 0 && body.length == length) {
            return body;
        }
        byte[] out = new byte[length];
        System.arraycopy(body, offset, out, 0, length);
        return out;
    }
}
