package dev.firehose.local;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: SDK clients without retries (so one call is one request), records, raw HTTP. */
final class Clients {

    private Clients() {
    }

    static FirehoseClient syncNoRetry(FirehoseLocal local) {
        return local.syncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static FirehoseAsyncClient asyncNoRetry(FirehoseLocal local) {
        return local.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** {@code n} records whose data is {@code prefix + i}. */
    static List<Record> records(String prefix, int n) {
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(record((prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static Record record(byte[] data) {
        return Record.builder().data(SdkBytes.fromByteArray(data)).build();
    }

    static Record sized(int bytes, byte fill) {
        byte[] b = new byte[bytes];
        java.util.Arrays.fill(b, fill);
        return record(b);
    }

    /** A raw HTTP POST to the endpoint root with the given target and body, signed or not. */
    static HttpResponse<String> rawPost(FirehoseLocal local, String target, String body, boolean withAuthorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(local.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        if (withAuthorization) {
            b.header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/firehose/aws4_request, "
                    + "SignedHeaders=host, Signature=00");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(FirehoseLocal local, String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(local.endpoint() + pathAndQuery));
        if ("POST".equals(method)) {
            b.POST(HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.GET();
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
