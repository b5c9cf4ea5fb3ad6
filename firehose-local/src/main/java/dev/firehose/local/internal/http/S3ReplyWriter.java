package dev.firehose.local.internal.http;

import dev.firehose.local.internal.s3.S3Response;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes an {@link S3Response}: bytes as one response, a file region straight from the file
 * (zero-copy where the transport allows), so a large object is never read into memory. A HEAD
 * answer keeps the {@code Content-Length} its headers give and has no body.
 */
final class S3ReplyWriter {

    private S3ReplyWriter() {
    }

    static void send(ChannelHandlerContext ctx, S3Response r, boolean keepAlive) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        ChannelFuture done;
        if (r.file() == null || r.fileLength() == 0) {
            byte[] body = r.body() == null ? new byte[0] : r.body();
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            headers(res, r, keepAlive);
            if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            }
            done = ctx.writeAndFlush(res);
        } else {
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            headers(res, r, keepAlive);
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.fileLength());
            ctx.write(res);
            ctx.write(new DefaultFileRegion(r.file().toFile(), r.fileOffset(), r.fileLength()));
            done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        // A file that cannot be read mid-answer leaves the response cut short: close the connection.
        done.addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }

    private static void headers(HttpResponse res, S3Response r, boolean keepAlive) {
        r.headers().forEach((k, v) -> res.headers().set(k, v));
        res.headers().set(HttpHeaderNames.SERVER, "firehose-local");
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
