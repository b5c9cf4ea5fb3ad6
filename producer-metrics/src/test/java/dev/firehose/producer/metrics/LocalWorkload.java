package dev.firehose.producer.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import io.github.resilience4j.core.IntervalFunction;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Test support: clients for firehose-local, a record of every PutRecordBatch exchange as seen on
 * the wire, and a workload whose every future's outcome is kept. Expected meter values are
 * derived from these and from the endpoint's ledger, never from the producer's own counters.
 */
final class LocalWorkload {

    private LocalWorkload() {
    }

    /**
     * A Firehose client for {@code local} that makes exactly one HTTP request per call (no SDK
     * retries) and logs every exchange in {@code wire}.
     */
    static FirehoseAsyncClient firehoseClient(FirehoseLocal local, Wire wire) {
        return local.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(wire))
                .build();
    }

    /** A CloudWatch client for firehose-local's CloudWatch side. */
    static CloudWatchAsyncClient cloudWatchClient(FirehoseLocal local) {
        return CloudWatchAsyncClient.builder()
                .endpointOverride(local.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(FirehoseLocal.credentialsProvider())
                .build();
    }

    /** Producer settings that keep tests quick: short linger and retry intervals. */
    static ProducerConfig.Builder quickConfig() {
        return ProducerConfig.builder()
                .lingerTime(Duration.ofMillis(5))
                .retryInterval(IntervalFunction.of(Duration.ofMillis(5)))
                .deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(10));
    }

    /** {@code n} records of 20 to 140 bytes, different from each other, tagged with {@code label}. */
    static List<byte[]> records(String label, int n) {
        List<byte[]> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add((label + "-" + i + "-" + "x".repeat(i % 121)).getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    /** Puts every record, flushes, and returns each record's outcome in put order. */
    static List<Outcome> putAll(FirehoseProducer producer, String stream, List<byte[]> records) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(records.size());
        for (byte[] r : records) {
            futures.add(producer.put(stream, r));
        }
        producer.flush().orTimeout(60, TimeUnit.SECONDS).join();
        List<Outcome> outcomes = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            CompletableFuture<PutResult> f = futures.get(i);
            assert f.isDone();
            try {
                outcomes.add(new Outcome(records.get(i), f.join(), null));
            } catch (CompletionException e) {
                outcomes.add(new Outcome(records.get(i), null, (RecordFailedException) e.getCause()));
            }
        }
        return outcomes;
    }

    /**
     * Closes the producer, which waits for its sender thread to stop: after that no listener event
     * is in progress or still to come, so the meters can be read without depending on the order in
     * which the producer fires events and completes futures.
     */
    static void stopSender(FirehoseProducer producer) {
        producer.close();
    }

    /** One record and how its future ended. */
    record Outcome(byte[] data, PutResult result, RecordFailedException failure) {

        boolean acknowledged() {
            return result != null;
        }

        int attempts() {
            return result != null ? result.attempts() : failure.attempts();
        }

        boolean mayBeDuplicated() {
            return result != null ? result.mayBeDuplicated() : failure.mayBeDuplicated();
        }
    }

    /** Every PutRecordBatch call, as the SDK saw it go out and come back. Thread-safe. */
    static final class Wire implements ExecutionInterceptor {

        /**
         * One call.
         *
         * @param stream      the delivery stream
         * @param records     entries sent
         * @param bytes       data bytes sent
         * @param status      HTTP status of the answer; 0 when there was none
         * @param entryErrors failed entries of a 200 answer, by ErrorCode
         * @param errorCode   the error code of a call that failed as a whole; null for a 200
         */
        record Exchange(String stream, int records, long bytes, int status, Map<String, Integer> entryErrors,
                        String errorCode) {

            boolean answeredWithResults() {
                return status == 200;
            }

            /** Refused as a whole because the stream is throttled: 503 ServiceUnavailableException or 429. */
            boolean refusedAsThrottled() {
                return (status == 503 && "ServiceUnavailableException".equals(errorCode)) || status == 429;
            }
        }

        private static final ExecutionAttribute<Integer> STATUS = new ExecutionAttribute<>("wire.status");

        private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            attributes.putAttribute(STATUS, context.httpResponse().statusCode());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof PutRecordBatchRequest request)) {
                return;
            }
            Map<String, Integer> errors = new HashMap<>();
            for (PutRecordBatchResponseEntry e : ((PutRecordBatchResponse) context.response()).requestResponses()) {
                if (e.errorCode() != null) {
                    errors.merge(e.errorCode(), 1, Integer::sum);
                }
            }
            Integer status = attributes.getAttribute(STATUS);
            exchanges.add(new Exchange(request.deliveryStreamName(), request.records().size(), bytes(request),
                    status == null ? 200 : status, errors, null));
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof PutRecordBatchRequest request)) {
                return;
            }
            Integer status = attributes.getAttribute(STATUS);
            Throwable t = context.exception();
            String code = t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode() : "no answer: " + t.getClass().getSimpleName();
            exchanges.add(new Exchange(request.deliveryStreamName(), request.records().size(), bytes(request),
                    status == null ? 0 : status, Map.of(), code));
        }

        private static long bytes(PutRecordBatchRequest request) {
            long sum = 0;
            for (Record r : request.records()) {
                sum += r.data().asByteBuffer().remaining();
            }
            return sum;
        }

        /** The exchanges with {@code stream}. */
        List<Exchange> of(String stream) {
            return exchanges.stream().filter(x -> x.stream().equals(stream)).toList();
        }
    }
}
