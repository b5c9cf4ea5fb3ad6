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

    /** No faults and no added latency. */
    public static Faults none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

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

    public double entryInternalFailureRate() {
        return entryInternalFailureRate;
    }

    public double entryServiceUnavailableRate() {
        return entryServiceUnavailableRate;
    }

    public double requestInternalErrorRate() {
        return requestInternalErrorRate;
    }

    public double requestServiceUnavailableRate() {
        return requestServiceUnavailableRate;
    }

    public Duration latency() {
        return latency;
    }

    public double dropBeforeStoreRate() {
        return dropBeforeStoreRate;
    }

    public double dropAfterStoreRate() {
        return dropAfterStoreRate;
    }

    /** Whether this injects nothing at all (no draw from the random generator is needed). */
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

        /** Probability that a PutRecordBatch entry is answered with ErrorCode {@code InternalFailure}. */
        public Builder entryInternalFailureRate(double rate) {
            this.entryInternalFailureRate = checkRate("entryInternalFailureRate", rate);
            return this;
        }

        /** Probability that a PutRecordBatch entry is answered with ErrorCode {@code ServiceUnavailableException}. */
        public Builder entryServiceUnavailableRate(double rate) {
            this.entryServiceUnavailableRate = checkRate("entryServiceUnavailableRate", rate);
            return this;
        }

        /** Probability that a whole request fails with HTTP 500 {@code InternalFailure}. */
        public Builder requestInternalErrorRate(double rate) {
            this.requestInternalErrorRate = checkRate("requestInternalErrorRate", rate);
            return this;
        }

        /** Probability that a whole request fails with HTTP 503 {@code ServiceUnavailableException}. */
        public Builder requestServiceUnavailableRate(double rate) {
            this.requestServiceUnavailableRate = checkRate("requestServiceUnavailableRate", rate);
            return this;
        }

        /** Time added before every Put answer (including error answers); default zero. */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, was " + latency);
            }
            this.latency = latency;
            return this;
        }

        /** Probability that the connection is closed with no response and nothing stored. */
        public Builder dropBeforeStoreRate(double rate) {
            this.dropBeforeStoreRate = checkRate("dropBeforeStoreRate", rate);
            return this;
        }

        /** Probability that the records are stored, then the connection is closed with no response. */
        public Builder dropAfterStoreRate(double rate) {
            this.dropAfterStoreRate = checkRate("dropAfterStoreRate", rate);
            return this;
        }

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
