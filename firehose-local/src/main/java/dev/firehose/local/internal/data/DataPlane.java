package dev.firehose.local.internal.data;

import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.internal.delivery.Delivery;
import dev.firehose.local.internal.ledger.LedgerBook;
import dev.firehose.local.internal.metrics.FirehoseMetrics;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.ByteWriter;
import dev.firehose.local.internal.protocol.Limits;
import dev.firehose.local.internal.protocol.PutInput;
import dev.firehose.local.internal.protocol.PutParser;
import dev.firehose.local.internal.protocol.Reply;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PutRecord and PutRecordBatch: parse, validate, find the stream, then, holding the stream,
 * draw faults, spend quota, store into the ledger and the delivery buffer, and answer.
 *
 * <p>Order of checks: malformed body (SerializationException), constraints (ValidationException),
 * 4 MiB of decoded data (InvalidArgumentException), unknown or not yet ACTIVE stream
 * (ResourceNotFoundException), a stream that reads from Kinesis (InvalidArgumentException), drop-before-store, whole-request faults, request quota, then per
 * entry: entry fault, record and byte quota. Thread-safe.
 */
public final class DataPlane {

    private static final byte[] BATCH_HEAD = ascii("{\"Encrypted\":false,\"FailedPutCount\":");
    private static final byte[] BATCH_HEAD_ENCRYPTED = ascii("{\"Encrypted\":true,\"FailedPutCount\":");
    /** The service's answer to a put on a stream that reads from Kinesis. */
    static final String KINESIS_SOURCE = "This operation is not permitted on KinesisStreamAsSource delivery stream type.";
    private static final byte[] RESPONSES = ascii(",\"RequestResponses\":[");
    private static final byte[] RECORD_ID = ascii("{\"RecordId\":\"");
    private static final byte[] ID_END = ascii("\"}");
    private static final byte[] INTERNAL_ENTRY = ascii("{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"Internal service failure.\"}");
    private static final byte[] UNAVAILABLE_ENTRY = ascii("{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"}");

    private static final byte OK = 0;
    private static final byte INTERNAL = 1;
    private static final byte UNAVAILABLE = 2;
    private static final byte THROTTLED = 3;

    private final Streams streams;
    private final LedgerBook ledger;
    private final Delivery delivery;
    private final FirehoseMetrics metrics;
    private final Clock clock;
    private final boolean sink;
    private final PutParser parser;
    private final int instanceId;
    private final AtomicLong requestNumbers = new AtomicLong();

    public DataPlane(Streams streams, LedgerBook ledger, Delivery delivery, FirehoseMetrics metrics, Clock clock,
              boolean sink, long seed) {
        this.streams = streams;
        this.ledger = ledger;
        this.delivery = delivery;
        this.metrics = metrics;
        this.clock = clock;
        this.sink = sink;
        this.parser = new PutParser(!sink);
        this.instanceId = new SplittableRandom(seed).nextInt();
    }

    public Reply putRecordBatch(byte[] body, int offset, int length) {
        return put(parser.parseBatch(body, offset, length), true);
    }

    public Reply putRecord(byte[] body, int offset, int length) {
        return put(parser.parseSingle(body, offset, length), false);
    }

    private Reply put(PutInput in, boolean batch) {
        long startNanos = System.nanoTime();
        Instant now = clock.instant();
        String name = in.streamName();
        if (name != null && in.sizes() != null) {
            ledger.requestReceived(name, in.size());
        }
        List<String> problems = Limits.checkPut(in, batch);
        if (!problems.isEmpty()) {
            throw ApiError.validation(problems);
        }
        if (in.dataBytes() > Limits.MAX_REQUEST_DATA_BYTES) {
            throw ApiError.invalidArgument("Records size exceeds 4 MB limit: the request carries " + in.dataBytes()
                    + " bytes of record data, the limit is " + Limits.MAX_REQUEST_DATA_BYTES
                    + " bytes (4 MiB) per request");
        }
        StreamRuntime stream = streams.active(name, now);
        if (stream.control().source().kinesis()) {
            throw ApiError.invalidArgument(KINESIS_SOURCE);
        }
        boolean encrypted = stream.control().encryption().encrypts(now);
        Faults faults = streams.faults(name);
        Quota quota = streams.quota(name);
        long delay = faults.latency().toNanos();
        List<byte[]> data = in.data();
        int[] sizes = in.sizes();
        int n = sizes.length;
        byte[] outcome = new byte[n];
        long requestNumber = requestNumbers.incrementAndGet();
        int failed = 0;
        int throttled = 0;
        long storedBytes = 0;
        boolean dropAfter = false;
        synchronized (stream) {
            boolean drawFaults = StreamRuntime.active(faults);
            SplittableRandom random = stream.faultRandom();
            if (drawFaults) {
                if (random.nextDouble() < faults.dropBeforeStoreRate()) {
                    return Reply.dropConnection().withDelay(delay);
                }
                double r = random.nextDouble();
                if (r < faults.requestInternalErrorRate()) {
                    return Reply.error(500, ApiError.INTERNAL_FAILURE, "Internal service failure.").withDelay(delay);
                }
                if (r < faults.requestInternalErrorRate() + faults.requestServiceUnavailableRate()) {
                    return Reply.error(503, ApiError.SERVICE_UNAVAILABLE,
                            "The service is unavailable. Back off and retry the operation.").withDelay(delay);
                }
            }
            boolean limited = stream.refillBuckets(quota, epochNanos(now));
            if (limited && !stream.takeRequest()) {
                throttled(name, now, batch, in, n, startNanos);
                return Reply.error(ApiError.slowDown()).withDelay(delay);
            }
            if (!batch && limited && !stream.hasRecordAllowance(sizes[0])) {
                throttled(name, now, batch, in, n, startNanos);
                return Reply.error(ApiError.slowDown()).withDelay(delay);
            }
            boolean exhausted = false;
            for (int i = 0; i < n; i++) {
                int size = sizes[i];
                if (drawFaults && batch) {
                    double r = random.nextDouble();
                    if (r < faults.entryInternalFailureRate()) {
                        outcome[i] = INTERNAL;
                        failed++;
                        continue;
                    }
                    if (r < faults.entryInternalFailureRate() + faults.entryServiceUnavailableRate()) {
                        outcome[i] = UNAVAILABLE;
                        failed++;
                        continue;
                    }
                }
                if (limited) {
                    if (exhausted || !stream.hasRecordAllowance(size)) {
                        exhausted = true;
                        outcome[i] = THROTTLED;
                        throttled++;
                        continue;
                    }
                    stream.takeRecord(size);
                }
                storedBytes += size;
            }
            String[] ids = recordIds(outcome, requestNumber);
            ledger.store(name, now, ids, data);
            if (!sink) {
                for (int i = 0; i < n; i++) {
                    if (outcome[i] == OK) {
                        delivery.append(stream, data.get(i), now);
                    }
                }
                delivery.requestDone(stream, now);
            }
            if (drawFaults) {
                dropAfter = random.nextDouble() < faults.dropAfterStoreRate();
            }
        }
        ledger.entriesFailed(name, failed, throttled);
        double latencyMillis = (System.nanoTime() - startNanos) / 1e6 + delay / 1e6;
        metrics.put(name, now, batch, n, in.dataBytes(), n - failed - throttled, storedBytes, throttled, latencyMillis);
        if (dropAfter) {
            return Reply.dropConnection().withDelay(delay);
        }
        Reply reply = batch ? batchResponse(outcome, failed + throttled, requestNumber, encrypted)
                : singleResponse(requestNumber, encrypted);
        return reply.withDelay(delay);
    }

    private void throttled(String name, Instant now, boolean batch, PutInput in, int n, long startNanos) {
        ledger.entriesFailed(name, 0, n);
        metrics.throttledRequest(name, now, batch, n, in.dataBytes(), (System.nanoTime() - startNanos) / 1e6);
    }

    /** The RecordIds of the stored entries, null for failed ones; in sink mode an empty id marks a stored entry. */
    private String[] recordIds(byte[] outcome, long requestNumber) {
        String[] ids = new String[outcome.length];
        if (sink) {
            // Sink mode keeps counts only: any non-null marks a stored entry.
            for (int i = 0; i < outcome.length; i++) {
                ids[i] = outcome[i] == OK ? "" : null;
            }
            return ids;
        }
        for (int i = 0; i < outcome.length; i++) {
            if (outcome[i] == OK) {
                ByteWriter w = new ByteWriter(24);
                writeRecordId(w, requestNumber, i);
                ids[i] = new String(w.array(), 0, w.size(), java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
        return ids;
    }

    /** A RecordId: 8 hex digits of the instance, 12 of the request number, 4 of the entry index. */
    private void writeRecordId(ByteWriter w, long requestNumber, int index) {
        w.hex(instanceId, 8).hex(requestNumber, 12).hex(index, 4);
    }

    private Reply batchResponse(byte[] outcome, int failedCount, long requestNumber, boolean encrypted) {
        ByteWriter w = new ByteWriter(64 + outcome.length * 40);
        ByteWriter prefix = new ByteWriter(RECORD_ID.length + 20);
        prefix.write(RECORD_ID).hex(instanceId, 8).hex(requestNumber, 12);
        byte[] idPrefix = java.util.Arrays.copyOf(prefix.array(), prefix.size());
        w.write(encrypted ? BATCH_HEAD_ENCRYPTED : BATCH_HEAD).decimal(failedCount).write(RESPONSES);
        for (int i = 0; i < outcome.length; i++) {
            if (i > 0) {
                w.ascii(",");
            }
            switch (outcome[i]) {
                case OK -> w.write(idPrefix).hex(i, 4).write(ID_END);
                case INTERNAL -> w.write(INTERNAL_ENTRY);
                default -> w.write(UNAVAILABLE_ENTRY);
            }
        }
        w.ascii("]}");
        return Reply.json(w.array(), w.size());
    }

    private Reply singleResponse(long requestNumber, boolean encrypted) {
        ByteWriter w = new ByteWriter(64);
        w.ascii("{\"RecordId\":\"");
        writeRecordId(w, requestNumber, 0);
        w.ascii(encrypted ? "\",\"Encrypted\":true}" : "\",\"Encrypted\":false}");
        return Reply.json(w.array(), w.size());
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
