package dev.firehose.local;

import java.time.Duration;
import java.util.Objects;

/**
 * The faults a delivery stream injects into PutRecord and PutRecordBatch calls. Immutable.
 *
 * <p>Every rate is a probability in {@code [0, 1]} drawn per request (whole-request faults and
 * connection drops) or per entry (entry faults) from the endpoint's seeded random generator, so
 * the same seed and the same sequence of requests give the same faults. The draws of one request
 * happen in a fixed order: drop before store, request internal error, request unavailable, one
 * draw per entry, drop after store.
 */
public final class Faults {

    private static final Faults NONE = builder().build();

    private final double entryInternalFailureRate;
    private final double entryServiceUnavailableRate;
    private final double requestInternalErrorRate;
    private final double requestServiceUnavailableRate;
    private final Duration latency;
    private final double dropBeforeStoreRate;
    private final double dropAfterStoreRate;

    private Faults(Builder b) {
        this.entryInternalFailureRate = b.entryInternalFailureRate;
        this.entryServiceUnavailableRate = b.entryServiceUnavailableRate;
        this.requestInternalErrorRate = b.requestInternalErrorRate;
        this.requestServiceUnavailableRate = b.requestServiceUnavailableRate;
        this.latency = b.latency;
        this.dropBeforeStoreRate = b.dropBeforeStoreRate;
        this.dropAfterStoreRate = b.dropAfterStoreRate;
    }

    /**
     * No faults and no added latency: the default of every stream.
     *
     * @return the shared instance with every rate 0 and no latency
     */
    public static Faults none() {
        return NONE;
    }

    /**
     * A builder with every rate 0 and no latency.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from these faults, to change some of them.
     *
     * @return a new builder holding every setting of this instance
     */
    public Builder toBuilder() {
        return new Builder()
                .entryInternalFailureRate(entryInternalFailureRate)
                .entryServiceUnavailableRate(entryServiceUnavailableRate)
                .requestInternalErrorRate(requestInternalErrorRate)
                .requestServiceUnavailableRate(requestServiceUnavailableRate)
                .latency(latency)
                .dropBeforeStoreRate(dropBeforeStoreRate)
                .dropAfterStoreRate(dropAfterStoreRate);
    }

    /**
     * Probability that a PutRecordBatch entry is answered with ErrorCode {@code InternalFailure}.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double entryInternalFailureRate() {
        return entryInternalFailureRate;
    }

    /**
     * Probability that a PutRecordBatch entry is answered with ErrorCode
     * {@code ServiceUnavailableException}.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double entryServiceUnavailableRate() {
        return entryServiceUnavailableRate;
    }

    /**
     * Probability that a whole Put request fails with HTTP 500 {@code InternalFailure}.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double requestInternalErrorRate() {
        return requestInternalErrorRate;
    }

    /**
     * Probability that a whole Put request fails with HTTP 503
     * {@code ServiceUnavailableException}.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double requestServiceUnavailableRate() {
        return requestServiceUnavailableRate;
    }

    /**
     * Time added before every Put answer, including error answers.
     *
     * @return the delay, zero or positive; zero when not set
     */
    public Duration latency() {
        return latency;
    }

    /**
     * Probability that the connection of a Put request is closed with no response and nothing
     * stored.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double dropBeforeStoreRate() {
        return dropBeforeStoreRate;
    }

    /**
     * Probability that the records of a Put request are stored, then the connection is closed
     * with no response.
     *
     * @return the probability, in [0, 1]; 0 when not set
     */
    public double dropAfterStoreRate() {
        return dropAfterStoreRate;
    }

    /**
     * Whether this injects nothing at all, so that no draw from the random generator is needed.
     *
     * @return {@code true} if every rate is 0 and the latency is zero
     */
    public boolean isNone() {
        return entryInternalFailureRate == 0 && entryServiceUnavailableRate == 0
                && requestInternalErrorRate == 0 && requestServiceUnavailableRate == 0
                && dropBeforeStoreRate == 0 && dropAfterStoreRate == 0 && latency.isZero();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Faults f)) {
            return false;
        }
        return f.entryInternalFailureRate == entryInternalFailureRate
                && f.entryServiceUnavailableRate == entryServiceUnavailableRate
                && f.requestInternalErrorRate == requestInternalErrorRate
                && f.requestServiceUnavailableRate == requestServiceUnavailableRate
                && f.latency.equals(latency)
                && f.dropBeforeStoreRate == dropBeforeStoreRate
                && f.dropAfterStoreRate == dropAfterStoreRate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(entryInternalFailureRate, entryServiceUnavailableRate, requestInternalErrorRate,
                requestServiceUnavailableRate, latency, dropBeforeStoreRate, dropAfterStoreRate);
    }

    @Override
    public String toString() {
        return "Faults{entryInternalFailureRate=" + entryInternalFailureRate
                + ", entryServiceUnavailableRate=" + entryServiceUnavailableRate
                + ", requestInternalErrorRate=" + requestInternalErrorRate
                + ", requestServiceUnavailableRate=" + requestServiceUnavailableRate
                + ", latency=" + latency
                + ", dropBeforeStoreRate=" + dropBeforeStoreRate
                + ", dropAfterStoreRate=" + dropAfterStoreRate + '}';
    }

    /** Builds {@link Faults}; every rate defaults to 0 and the latency to zero. */
    public static final class Builder {
        private double entryInternalFailureRate;
        private double entryServiceUnavailableRate;
        private double requestInternalErrorRate;
        private double requestServiceUnavailableRate;
        private Duration latency = Duration.ZERO;
        private double dropBeforeStoreRate;
        private double dropAfterStoreRate;

        private Builder() {
        }

        /**
         * Probability that a PutRecordBatch entry is answered with ErrorCode {@code InternalFailure}.
         * Default 0.
         *
         * @param rate in [0, 1]; with {@link #entryServiceUnavailableRate} at most 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder entryInternalFailureRate(double rate) {
            this.entryInternalFailureRate = checkRate("entryInternalFailureRate", rate);
            return this;
        }

        /**
         * Probability that a PutRecordBatch entry is answered with ErrorCode
         * {@code ServiceUnavailableException} ("Slow down."). Unlike the quota's throttling, these
         * entries are not counted in the stream's {@code ThrottledRecords} metric. Default 0.
         *
         * @param rate in [0, 1]; with {@link #entryInternalFailureRate} at most 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder entryServiceUnavailableRate(double rate) {
            this.entryServiceUnavailableRate = checkRate("entryServiceUnavailableRate", rate);
            return this;
        }

        /**
         * Probability that a whole Put request fails with HTTP 500 {@code InternalFailure}, storing
         * nothing. Default 0.
         *
         * @param rate in [0, 1]; with {@link #requestServiceUnavailableRate} at most 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder requestInternalErrorRate(double rate) {
            this.requestInternalErrorRate = checkRate("requestInternalErrorRate", rate);
            return this;
        }

        /**
         * Probability that a whole Put request fails with HTTP 503 {@code ServiceUnavailableException},
         * storing nothing. Unlike the quota's throttling, these requests are not counted in the
         * stream's metrics. Default 0.
         *
         * @param rate in [0, 1]; with {@link #requestInternalErrorRate} at most 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder requestServiceUnavailableRate(double rate) {
            this.requestServiceUnavailableRate = checkRate("requestServiceUnavailableRate", rate);
            return this;
        }

        /**
         * Time added before every Put answer, including error answers. Default zero.
         *
         * @param latency the delay, zero or positive
         * @return this builder
         * @throws NullPointerException     if {@code latency} is {@code null}
         * @throws IllegalArgumentException if {@code latency} is negative
         */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, was " + latency);
            }
            this.latency = latency;
            return this;
        }

        /**
         * Probability that the connection of a Put request is closed with no response and nothing
         * stored: the client sees an I/O error for a request that never happened. Default 0.
         *
         * @param rate in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder dropBeforeStoreRate(double rate) {
            this.dropBeforeStoreRate = checkRate("dropBeforeStoreRate", rate);
            return this;
        }

        /**
         * Probability that the records of a Put request are stored, then the connection is closed
         * with no response: the client sees an I/O error for records that were delivered, and a
         * retry stores them twice. Default 0.
         *
         * @param rate in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or {@code NaN}
         */
        public Builder dropAfterStoreRate(double rate) {
            this.dropAfterStoreRate = checkRate("dropAfterStoreRate", rate);
            return this;
        }

        /**
         * Creates the faults.
         *
         * @return a new immutable instance
         * @throws IllegalArgumentException if the two entry rates, or the two request rates, add up
         *                                  to more than 1
         */
        public Faults build() {
            if (entryInternalFailureRate + entryServiceUnavailableRate > 1.0) {
                throw new IllegalArgumentException("entryInternalFailureRate + entryServiceUnavailableRate must be at most 1, was "
                        + (entryInternalFailureRate + entryServiceUnavailableRate));
            }
            if (requestInternalErrorRate + requestServiceUnavailableRate > 1.0) {
                throw new IllegalArgumentException("requestInternalErrorRate + requestServiceUnavailableRate must be at most 1, was "
                        + (requestInternalErrorRate + requestServiceUnavailableRate));
            }
            return new Faults(this);
        }

        private static double checkRate(String name, double rate) {
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], was " + rate);
            }
            return rate;
        }
    }
}
