package dev.firehose.local;

import java.util.Objects;

/**
 * The Direct PUT quota of one delivery stream, for PutRecord and PutRecordBatch combined. Immutable.
 *
 * <p>Each limit is a token bucket that holds at most one second's allowance and refills
 * continuously. A request beyond the request rate fails as a whole with
 * {@code ServiceUnavailableException} "Slow down."; in a PutRecordBatch, the entries beyond the
 * remaining record or byte allowance (and every entry after the first such one) get the per-entry
 * error {@code ServiceUnavailableException} "Slow down.", and a PutRecord beyond it fails as a
 * whole. Bytes are decoded data bytes. {@link Long#MAX_VALUE} means no limit.
 */
public final class Quota {

    /** No limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** The us-east-1, us-west-2 and eu-west-1 default: 500,000 records/s. */
    public static final long AWS_LARGE_REGION_RECORDS_PER_SECOND = 500_000;
    /** The us-east-1, us-west-2 and eu-west-1 default: 2,000 requests/s. */
    public static final long AWS_LARGE_REGION_REQUESTS_PER_SECOND = 2_000;
    /** The us-east-1, us-west-2 and eu-west-1 default: 5 MiB/s. */
    public static final long AWS_LARGE_REGION_BYTES_PER_SECOND = 5L * 1024 * 1024;

    private static final Quota UNLIMITED_QUOTA = builder().build();

    private final long recordsPerSecond;
    private final long requestsPerSecond;
    private final long bytesPerSecond;

    private Quota(Builder b) {
        this.recordsPerSecond = b.recordsPerSecond;
        this.requestsPerSecond = b.requestsPerSecond;
        this.bytesPerSecond = b.bytesPerSecond;
    }

    /** No limits (the default of firehose-local). */
    public static Quota unlimited() {
        return UNLIMITED_QUOTA;
    }

    /** The default Direct PUT quota of us-east-1, us-west-2 and eu-west-1. */
    public static Quota awsLargeRegionDefault() {
        return builder().recordsPerSecond(AWS_LARGE_REGION_RECORDS_PER_SECOND)
                .requestsPerSecond(AWS_LARGE_REGION_REQUESTS_PER_SECOND)
                .bytesPerSecond(AWS_LARGE_REGION_BYTES_PER_SECOND)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().recordsPerSecond(recordsPerSecond).requestsPerSecond(requestsPerSecond)
                .bytesPerSecond(bytesPerSecond);
    }

    public long recordsPerSecond() {
        return recordsPerSecond;
    }

    public long requestsPerSecond() {
        return requestsPerSecond;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Whether no limit is set. */
    public boolean isUnlimited() {
        return recordsPerSecond == UNLIMITED && requestsPerSecond == UNLIMITED && bytesPerSecond == UNLIMITED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quota q && q.recordsPerSecond == recordsPerSecond
                && q.requestsPerSecond == requestsPerSecond && q.bytesPerSecond == bytesPerSecond;
    }

    @Override
    public int hashCode() {
        return Objects.hash(recordsPerSecond, requestsPerSecond, bytesPerSecond);
    }

    @Override
    public String toString() {
        return "Quota{recordsPerSecond=" + show(recordsPerSecond) + ", requestsPerSecond=" + show(requestsPerSecond)
                + ", bytesPerSecond=" + show(bytesPerSecond) + '}';
    }

    private static String show(long v) {
        return v == UNLIMITED ? "unlimited" : Long.toString(v);
    }

    /** Builds a {@link Quota}; every limit defaults to {@link #UNLIMITED}. */
    public static final class Builder {
        private long recordsPerSecond = UNLIMITED;
        private long requestsPerSecond = UNLIMITED;
        private long bytesPerSecond = UNLIMITED;

        private Builder() {
        }

        /** Records per second (PutRecord and PutRecordBatch entries); default {@link #UNLIMITED}. */
        public Builder recordsPerSecond(long recordsPerSecond) {
            this.recordsPerSecond = checkPositive("recordsPerSecond", recordsPerSecond);
            return this;
        }

        /** Put requests per second; default {@link #UNLIMITED}. */
        public Builder requestsPerSecond(long requestsPerSecond) {
            this.requestsPerSecond = checkPositive("requestsPerSecond", requestsPerSecond);
            return this;
        }

        /** Decoded data bytes per second; default {@link #UNLIMITED}. */
        public Builder bytesPerSecond(long bytesPerSecond) {
            this.bytesPerSecond = checkPositive("bytesPerSecond", bytesPerSecond);
            return this;
        }

        public Quota build() {
            return new Quota(this);
        }

        private static long checkPositive(String name, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
