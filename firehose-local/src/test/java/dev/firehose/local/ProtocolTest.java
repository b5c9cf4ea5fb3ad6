package dev.firehose.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;

import java.net.InetAddress;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire protocol: targets, signing, malformed bodies, error shapes, routing. */
class ProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FirehoseLocal local;

    @BeforeAll
    static void start() {
        local = FirehoseLocal.builder().build().start();
        local.createDeliveryStream("wire");
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    private static void assertError(HttpResponse<String> res, int status, String code, String messagePart) throws Exception {
        assertThat(res.statusCode()).isEqualTo(status);
        assertThat(res.headers().firstValue("x-amzn-ErrorType")).contains(code);
        assertThat(res.headers().firstValue("Content-Type")).contains("application/x-amz-json-1.1");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("__type").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).contains(messagePart);
    }

    @Test
    void endpointListensOnLoopbackOnly() throws Exception {
        assertThat(local.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(InetAddress.getByName(local.endpoint().getHost()).isLoopbackAddress()).isTrue();
        assertThat(local.endpoint().getPort()).isPositive();
    }

    @Test
    void unsignedRequestsAreRejected() throws Exception {
        HttpResponse<String> res = Clients.rawPost(local, "Firehose_20150804.PutRecord",
                "{\"DeliveryStreamName\":\"wire\",\"Record\":{\"Data\":\"aGk=\"}}", false);

        assertError(res, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        assertThat(local.ledger().requestsReceived("wire")).isZero();
    }

    @Test
    void sdkWithAnonymousCredentialsGetsMissingAuthenticationToken() {
        try (FirehoseClient anonymous = local.syncClientBuilder()
                .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            assertThatThrownBy(() -> anonymous.listDeliveryStreams(r -> { }))
                    .isExactlyInstanceOf(FirehoseException.class)
                    .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode())
                            .isEqualTo("MissingAuthenticationTokenException"));
        }
    }

    @Test
    void anyCredentialsAreAccepted() {
        try (FirehoseClient other = local.syncClientBuilder()
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDEXAMPLE", "whatever"))
                .build()) {
            assertThat(other.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("wire");
        }
    }

    @Test
    void unknownOperationAnswersUnknownOperationException() throws Exception {
        assertError(Clients.rawPost(local, "Firehose_20150804.NoSuchOperation", "{}", true),
                400, "UnknownOperationException", "NoSuchOperation");
        assertError(Clients.rawPost(local, "Kinesis_20131202.PutRecord", "{}", true),
                400, "UnknownOperationException", "Kinesis_20131202.PutRecord");
        assertError(Clients.rawPost(local, null, "{}", true),
                400, "UnknownOperationException", "no X-Amz-Target");
    }

    @Test
    void malformedJsonIsASerializationException() throws Exception {
        assertError(Clients.rawPost(local, "Firehose_20150804.PutRecordBatch", "{\"DeliveryStreamName\":", true),
                400, "SerializationException", "Malformed JSON");
        assertError(Clients.rawPost(local, "Firehose_20150804.PutRecordBatch", "[1,2]", true),
                400, "SerializationException", "JSON object");
        assertError(Clients.rawPost(local, "Firehose_20150804.PutRecordBatch",
                "{\"DeliveryStreamName\":\"wire\",\"Records\":{\"Data\":\"aGk=\"}}", true),
                400, "SerializationException", "Records must be a list");
        assertError(Clients.rawPost(local, "Firehose_20150804.DescribeDeliveryStream", "{nope", true),
                400, "SerializationException", "Malformed JSON");
        assertThat(local.ledger().count("wire")).isZero();
    }

    @Test
    void malformedBase64IsASerializationExceptionNamingTheRecord() throws Exception {
        assertError(Clients.rawPost(local, "Firehose_20150804.PutRecordBatch",
                "{\"DeliveryStreamName\":\"wire\",\"Records\":[{\"Data\":\"aGk=\"},{\"Data\":\"a*k=\"}]}", true),
                400, "SerializationException", "'records.2.member.data': illegal base64 character '*' at position 1");
        assertError(Clients.rawPost(local, "Firehose_20150804.PutRecord",
                "{\"DeliveryStreamName\":\"wire\",\"Record\":{\"Data\":\"aGk\"}}", true),
                400, "SerializationException", "'record.data': base64 of 3 characters is not a multiple of 4");
    }

    @Test
    void escapedJsonStringsAndUnknownMembersAreAccepted() throws Exception {
        local.ledger().clear();
        HttpResponse<String> res = Clients.rawPost(local, "Firehose_20150804.PutRecordBatch",
                "{\"Extra\":{\"a\":[1,2]},\"DeliveryStreamName\":\"wire\",\"Records\":[{\"Data\":\"\\/w==\",\"Other\":1}]}", true);

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("FailedPutCount").asInt()).isZero();
        assertThat(body.get("Encrypted").asBoolean()).isFalse();
        assertThat(body.get("RequestResponses").get(0).get("RecordId").asText()).isNotBlank();
        assertThat(local.ledger().records("wire").get(0).data()).containsExactly((byte) 0xFF);
    }

    @Test
    void getOnTheRootIsS3sListBucketsAndOtherMethodsAreNoOperation() throws Exception {
        HttpResponse<String> get = Clients.admin(local, "GET", "/", null);
        HttpResponse<String> patch = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(local.endpoint().resolve("/"))
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(403);                 // unsigned, as S3 answers it
        assertThat(get.body()).contains("<Code>AccessDenied</Code>");
        assertError(patch, 404, "UnknownOperationException", "POST /");
    }

    @Test
    void cloudWatchPathIsRoutedToTheCloudWatchService() throws Exception {
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                        local.endpoint().resolve(dev.firehose.local.cloudwatch.CloudWatchService.PATH_PREFIX + "ListMetrics"))
                .header("Content-Type", "application/cbor")
                .header("smithy-protocol", "rpc-v2-cbor")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xA0}))
                .build();

        HttpResponse<byte[]> cw = java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(cw.headers().firstValue("x-amzn-ErrorType")).isNotEqualTo(java.util.Optional.of("UnknownOperationException"));
        assertThat(cw.statusCode()).isNotEqualTo(404);
    }
}
