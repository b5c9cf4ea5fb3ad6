package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 API over the delivered objects, read with the SDK's S3Client as a test in AWS would read them. */
class S3ApiTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    private static final String BUCKET = "delivered-bucket";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private FirehoseLocal local;
    private FirehoseClient firehose;
    private S3Client s3;
    private final List<String> put = new ArrayList<>();

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().dataDirectory(dir).clock(clock).build().start();
        firehose = Clients.syncNoRetry(local);
        s3 = s3Client(local);
    }

    @AfterEach
    void stop() {
        s3.close();
        firehose.close();
        local.close();
    }

    static S3Client s3Client(FirehoseLocal local) {
        return S3Client.builder()
                .endpointOverride(local.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(FirehoseLocal.credentialsProvider())
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private void create(String stream, String prefix, CompressionFormat compression) {
        firehose.createDeliveryStream(r -> r.deliveryStreamName(stream).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::" + BUCKET).roleARN("arn:aws:iam::000000000000:role/r").prefix(prefix)
                .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(300)).compressionFormat(compression)));
    }

    /** Puts {@code n} records to the stream and delivers them as one object, at the clock's time. */
    private void deliver(String stream, int n) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String data = stream + "-" + put.size() + "\n";
            put.add(data);
            records.add(Clients.record(data.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(firehose.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)).failedPutCount()).isZero();
        local.deliverNow();
    }

    private List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Test
    void everyRecordPutIsReadBackOnceThroughTheS3Api() {
        create("clicks", "app/", CompressionFormat.UNCOMPRESSED);
        for (int hour = 0; hour < 3; hour++) {
            clock.set(T0.plus(Duration.ofHours(hour)));
            deliver("clicks", 4 + hour);
        }

        List<String> keys = allKeys();
        StringBuilder read = new StringBuilder();
        for (String key : keys) {
            read.append(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String());
        }

        assertThat(keys).hasSize(3).isSorted().allSatisfy(k -> assertThat(k).startsWith("app/2026/03/04/"));
        List<String> records = List.of(read.toString().split("(?<=\n)"));
        assertThat(records).containsExactlyInAnyOrderElementsOf(put);
        assertThat(local.ledger().count("clicks")).isEqualTo(put.size()).isEqualTo(records.size());
    }

    @Test
    void listingWithPrefixAndDelimiterGivesTheHourFolders() {
        create("clicks", "app/", CompressionFormat.UNCOMPRESSED);
        for (int hour = 0; hour < 3; hour++) {
            clock.set(T0.plus(Duration.ofHours(hour)));
            deliver("clicks", 1);
            deliver("clicks", 1);
        }

        ListObjectsV2Response days = s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("app/2026/03/").delimiter("/"));
        ListObjectsV2Response hours = s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("app/2026/03/04/").delimiter("/"));
        ListObjectsV2Response inHour = s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("app/2026/03/04/06/"));

        assertThat(days.contents()).isEmpty();
        assertThat(days.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("app/2026/03/04/");
        assertThat(hours.commonPrefixes()).extracting(CommonPrefix::prefix)
                .containsExactly("app/2026/03/04/05/", "app/2026/03/04/06/", "app/2026/03/04/07/");
        assertThat(hours.keyCount()).isEqualTo(3);
        assertThat(inHour.contents()).hasSize(2).extracting(S3Object::key)
                .allSatisfy(k -> assertThat(k).matches("app/2026/03/04/06/clicks-1-2026-03-04-06-06-07-[0-9a-f-]{36}"));
        assertThat(inHour.isTruncated()).isFalse();
        assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("other/")).contents()).isEmpty();
    }

    @Test
    void pagesOfMaxKeysFollowTheContinuationTokenToTheEnd() {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);
        for (int i = 0; i < 7; i++) {
            clock.set(T0.plus(Duration.ofMinutes(i)));
            deliver("clicks", 1);
        }
        List<String> all = allKeys();

        List<List<String>> pages = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(BUCKET).maxKeys(3).continuationToken(t));
            pages.add(page.contents().stream().map(S3Object::key).toList());
            assertThat(page.maxKeys()).isEqualTo(3);
            assertThat(page.keyCount()).isEqualTo(page.contents().size());
            token = page.isTruncated() ? page.nextContinuationToken() : null;
            assertThat(page.isTruncated()).isEqualTo(pages.size() < 3);
        } while (token != null);

        assertThat(all).hasSize(7).doesNotHaveDuplicates();
        assertThat(pages).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(all);
        assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).startAfter(all.get(4))).contents())
                .extracting(S3Object::key).containsExactly(all.get(5), all.get(6));
        assertThat(s3.listObjects(r -> r.bucket(BUCKET).marker(all.get(5))).contents())
                .extracting(S3Object::key).containsExactly(all.get(6));
    }

    @Test
    void commonPrefixesArePagedWithoutRepeating() {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);
        for (int hour = 0; hour < 5; hour++) {
            clock.set(T0.plus(Duration.ofHours(hour)));
            deliver("clicks", 1);
            deliver("clicks", 1);
        }

        List<String> prefixes = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("2026/03/04/").delimiter("/").maxKeys(2))
                .forEach(page -> page.commonPrefixes().forEach(p -> prefixes.add(p.prefix())));

        assertThat(prefixes).containsExactly("2026/03/04/05/", "2026/03/04/06/", "2026/03/04/07/",
                "2026/03/04/08/", "2026/03/04/09/");
    }

    @Test
    void getAndHeadGiveTheObjectWithItsMd5EtagAndRanges() throws Exception {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);
        deliver("clicks", 3);
        String key = allKeys().get(0);
        byte[] content = String.join("", put).getBytes(StandardCharsets.UTF_8);
        String md5 = '"' + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)) + '"';

        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key));
        HeadObjectResponse head = s3.headObject(r -> r.bucket(BUCKET).key(key));
        ResponseBytes<GetObjectResponse> range = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key).range("bytes=2-5"));
        ResponseBytes<GetObjectResponse> suffix = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key).range("bytes=-4"));
        S3Object listed = s3.listObjectsV2(r -> r.bucket(BUCKET)).contents().get(0);

        assertThat(got.asByteArray()).isEqualTo(content);
        assertThat(got.response().eTag()).isEqualTo(md5);
        assertThat(got.response().contentLength()).isEqualTo(content.length);
        assertThat(head.contentLength()).isEqualTo(content.length);
        assertThat(head.eTag()).isEqualTo(md5);
        assertThat(head.lastModified()).isEqualTo(listed.lastModified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(listed.eTag()).isEqualTo(md5);
        assertThat(listed.size()).isEqualTo(content.length);
        assertThat(range.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 2, 6));
        assertThat(range.response().contentRange()).isEqualTo("bytes 2-5/" + content.length);
        assertThat(suffix.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 4, content.length));
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key).range("bytes=" + content.length + "-")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                });
    }

    @Test
    void gzipObjectsAreServedAsDelivered() throws IOException {
        create("zipped", "z/", CompressionFormat.GZIP);
        deliver("zipped", 5);
        String key = allKeys().get(0);

        byte[] gz = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();

        assertThat(key).endsWith(".gz");
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(String.join("", put));
        }
    }

    @Test
    void missingKeysAndBucketsAreS3Errors() {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);

        assertThatThrownBy(() -> s3.getObject(r -> r.bucket(BUCKET).key("no/such/key"), (res, in) -> res))
                .isInstanceOfSatisfying(NoSuchKeyException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified key does not exist.");
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket(BUCKET).key("no/such/key")))
                .isInstanceOfSatisfying(NoSuchKeyException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket("no-such-bucket")))
                .isInstanceOfSatisfying(NoSuchBucketException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified bucket does not exist"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("no-such-bucket").key("k")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("../" + BUCKET + "/x")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void bucketsOfStreamsExistBeforeTheirFirstObject() {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);

        List<Bucket> buckets = s3.listBuckets().buckets();

        assertThat(buckets).extracting(Bucket::name).containsExactly(BUCKET);
        assertThat(buckets.get(0).creationDate()).isEqualTo(T0);
        assertThat(s3.headBucket(r -> r.bucket(BUCKET)).sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET)).contents()).isEmpty();
        assertThat(s3.getBucketLocation(r -> r.bucket(BUCKET)).locationConstraintAsString()).isEmpty();
    }

    @Test
    void urlEncodedListingsRoundTripKeysWithSpecialCharacters() {
        s3.createBucket(r -> r.bucket("uploads"));
        List<String> keys = List.of("a b/c+d.txt", "a b/é&<x>.txt", "plain/k");
        for (String k : keys) {
            s3.putObject(r -> r.bucket("uploads").key(k), RequestBody.fromString("v:" + k));
        }

        ListObjectsV2Response listing = s3.listObjectsV2(r -> r.bucket("uploads").encodingType(EncodingType.URL));
        ListObjectsV2Response rolled = s3.listObjectsV2(r -> r.bucket("uploads").delimiter("/").encodingType(EncodingType.URL));

        assertThat(listing.contents()).extracting(S3Object::key).containsExactly("a b/c+d.txt", "a b/é&<x>.txt", "plain/k");
        assertThat(rolled.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a b/", "plain/");
        for (String k : keys) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket("uploads").key(k)).asUtf8String()).isEqualTo("v:" + k);
        }
    }

    @Test
    void unsignedRequestsAreDeniedAsForAPrivateBucket() throws Exception {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);

        HttpResponse<String> res = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(local.endpoint() + "/" + BUCKET + "?list-type=2")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/xml");
        assertThat(res.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Access Denied</Message>");
    }

    @Test
    void aBadContinuationTokenAndMaxKeysAreInvalidArguments() {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);

        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket(BUCKET).continuationToken("not-a-token")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The continuation token provided is incorrect");
                });
        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket(BUCKET).maxKeys(-1)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    @Test
    void filesBeingWrittenAreNotObjects() throws IOException {
        create("clicks", "", CompressionFormat.UNCOMPRESSED);
        deliver("clicks", 1);
        Path tmp = dir.resolve(BUCKET).resolve("2026/03/04/05/.clicks-partial.tmp");
        Files.writeString(tmp, "half");

        assertThat(allKeys()).hasSize(1).noneMatch(k -> k.contains(".clicks-partial"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("2026/03/04/05/.clicks-partial.tmp")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void objectsUnderADotNamedFolderAreListedAndRead() {
        create("clicks", "app/.staging/", CompressionFormat.UNCOMPRESSED);
        deliver("clicks", 3);

        List<String> keys = allKeys();

        assertThat(keys).singleElement().asString().startsWith("app/.staging/2026/03/04/05/clicks-1-");
        assertThat(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(keys.get(0))).asUtf8String())
                .isEqualTo(String.join("", put));
        assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("app/").delimiter("/")).commonPrefixes())
                .extracting(CommonPrefix::prefix).containsExactly("app/.staging/");
    }

    @Test
    void multipartUploadsAreNotImplementedInS3sShape() {
        s3.createBucket(r -> r.bucket("uploads"));

        assertThatThrownBy(() -> s3.createMultipartUpload(r -> r.bucket("uploads").key("big")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(501);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
                });
        assertThatThrownBy(() -> s3.deleteObjects(r -> r.bucket("uploads")
                        .delete(d -> d.objects(o -> o.key("big")))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(501);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
                });
    }
}
