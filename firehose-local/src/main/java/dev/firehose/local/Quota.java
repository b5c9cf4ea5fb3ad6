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

    /**
     * No limits: the default of every stream of firehose-local.
     *
     * @return the shared instance with every limit {@link #UNLIMITED}
     */
    public static Quota unlimited() {
        return UNLIMITED_QUOTA;
    }

    /**
     * The default Direct PUT quota of us-east-1, us-west-2 and eu-west-1: 500,000 records, 2,000
     * requests and 5 MiB per second.
     *
     * @return a quota with the {@code AWS_LARGE_REGION_*} limits
     */
    public static Quota awsLargeRegionDefault() {
        return builder().recordsPerSecond(AWS_LARGE_REGION_RECORDS_PER_SECOND)
                .requestsPerSecond(AWS_LARGE_REGION_REQUESTS_PER_SECOND)
                .bytesPerSecond(AWS_LARGE_REGION_BYTES_PER_SECOND)
                .build();
    }

    /**
     * A builder with every limit {@link #UNLIMITED}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this quota, to change some of its limits.
     *
     * @return a new builder holding every limit of this quota
     */
    public Builder toBuilder() {
        return new Builder().recordsPerSecond(recordsPerSecond).requestsPerSecond(requestsPerSecond)
                .bytesPerSecond(bytesPerSecond);
    }

    /**
     * Records per second, PutRecord and PutRecordBatch entries together.
     *
     * @return the limit per second, at least 1; {@link #UNLIMITED} for no limit
     */
    public long recordsPerSecond() {
        return recordsPerSecond;
    }

    /**
     * Put requests per second, PutRecord and PutRecordBatch together.
     *
     * @return the limit per second, at least 1; {@link #UNLIMITED} for no limit
     */
    public long requestsPerSecond() {
        return requestsPerSecond;
    }

    /**
     * Decoded data bytes per second (not base64), PutRecord and PutRecordBatch together.
     *
     * @return the limit per second, at least 1; {@link #UNLIMITED} for no limit
     */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Whether no limit is set.
     *
     * @return {@code true} if every limit is {@link #UNLIMITED}
     */
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

        /**
         * Records per second, PutRecord and PutRecordBatch entries together. Default
         * {@link #UNLIMITED}.
         *
         * @param recordsPerSecond the limit, at least 1; {@link #UNLIMITED} for none
         * @return this builder
         * @throws IllegalArgumentException if {@code recordsPerSecond} is less than 1
         */
        public Builder recordsPerSecond(long recordsPerSecond) {
            this.recordsPerSecond = checkPositive("recordsPerSecond", recordsPerSecond);
            return this;
        }

        /**
         * Put requests per second, PutRecord and PutRecordBatch together. Default {@link #UNLIMITED}.
         *
         * @param requestsPerSecond the limit, at least 1; {@link #UNLIMITED} for none
         * @return this builder
         * @throws IllegalArgumentException if {@code requestsPerSecond} is less than 1
         */
        public Builder requestsPerSecond(long requestsPerSecond) {
            this.requestsPerSecond = checkPositive("requestsPerSecond", requestsPerSecond);
            return this;
        }

        /**
         * Decoded data bytes per second (not base64), PutRecord and PutRecordBatch together.
         * Default {@link #UNLIMITED}.
         *
         * @param bytesPerSecond the limit, at least 1; {@link #UNLIMITED} for none
         * @return this builder
         * @throws IllegalArgumentException if {@code bytesPerSecond} is less than 1
         */
        public Builder bytesPerSecond(long bytesPerSecond) {
            this.bytesPerSecond = checkPositive("bytesPerSecond", bytesPerSecond);
            return this;
        }

        /**
         * Creates the quota.
         *
         * @return a new immutable quota
         */
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
