package dev.firehose.producer.internal;

import java.util.concurrent.TimeUnit;

/**
 * Paces one stream's requests. It combines the optional static limits (records/s, bytes/s,
 * requests/s) with additive-increase/multiplicative-decrease on throttling:
 * <ul>
 *   <li>"Slow down." shrinks the requests allowed in flight, down to one, by a factor of
 *       {@code 1 - f/2}, where {@code f} is the throttled fraction of the request's records: a
 *       request refused as a whole halves it, a request with 2% of its entries throttled trims it
 *       by 1%;</li>
 *   <li>"Slow down." with one request in flight shrinks the request rate instead, by the same
 *       factor (starting from the rate measured over the last second);</li>
 *   <li>each request without throttling raises the request rate a little, so that it climbs by
 *       {@value #RATE_STEP} request/s or {@value #RATE_GROWTH} of itself (whichever is more) per
 *       second of successful sending; above twice the rate measured when throttling began it is
 *       lifted, and then each success raises the in-flight limit by one.</li>
 * </ul>
 * Like TCP, it reacts once per round trip: throttling of a request sent before the last decrease
 * reflects the old rate and is ignored.
 *
 * <p>Not thread-safe: owned by the sender thread; {@link #inFlightLimit()} may be read by others.
 */
final class RateController {

    static final double RATE_STEP = 1.0;
    static final double RATE_GROWTH = 0.05;
    static final double MIN_RATE = 0.5;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final int maxInFlight;
    private final boolean adaptive;
    private final TokenBucket records;
    private final TokenBucket bytes;
    private final TokenBucket requests;

    /** The adaptive in-flight limit; its whole part is the number of requests allowed in flight. */
    private double inFlightAllowance;
    private volatile int inFlightLimit;
    /** The adaptive request rate, or +infinity when not throttled. */
    private double adaptiveRate = Double.POSITIVE_INFINITY;
    private long nextAdaptiveSend;
    private boolean decreased;
    private long lastDecrease;
    /** The ceiling above which the adaptive rate is lifted: twice the rate measured at the last throttle. */
    private double liftRate;

    // Requests started in the current and the previous one-second window, for the rate estimate.
    private long windowStart;
    private int windowCount;
    private int previousWindowCount;

    RateController(int maxInFlight, boolean adaptive, long recordsPerSecond, long bytesPerSecond,
            long requestsPerSecond, long now) {
        this.maxInFlight = maxInFlight;
        this.adaptive = adaptive;
        this.inFlightLimit = maxInFlight;
        this.inFlightAllowance = maxInFlight;
        this.records = recordsPerSecond > 0 ? new TokenBucket(recordsPerSecond, now) : null;
        this.bytes = bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, now) : null;
        this.requests = requestsPerSecond > 0 ? new TokenBucket(requestsPerSecond, now) : null;
        this.windowStart = now;
        this.nextAdaptiveSend = now;
    }

    /** @return whether another request may start now, given the requests in flight */
    boolean canSend(int inFlight, long now) {
        return inFlight < inFlightLimit && nextSendTime(now) - now <= 0;
    }

    /** @return the earliest time the rate limits allow the next request (now, if they allow it now) */
    long nextSendTime(long now) {
        long t = now;
        if (adaptiveRate != Double.POSITIVE_INFINITY) {
            t = later(t, nextAdaptiveSend);
        }
        if (records != null) {
            t = later(t, records.availableAt(now));
        }
        if (bytes != null) {
            t = later(t, bytes.availableAt(now));
        }
        if (requests != null) {
            t = later(t, requests.availableAt(now));
        }
        return t;
    }

    /** Accounts for a request that starts now. */
    void onSend(int recordCount, long byteCount, long now) {
        if (records != null) {
            records.consume(recordCount, now);
        }
        if (bytes != null) {
            bytes.consume(byteCount, now);
        }
        if (requests != null) {
            requests.consume(1, now);
        }
        if (adaptiveRate != Double.POSITIVE_INFINITY) {
            nextAdaptiveSend = later(nextAdaptiveSend, now) + (long) (SECOND / adaptiveRate);
        }
        countRequest(now);
    }

    /**
     * The service said "Slow down." for some entries or for the whole request.
     *
     * @param sentNanos when the throttled request was sent
     * @param now the current time
     * @param throttledFraction the fraction of the request's records that were throttled, in (0, 1]
     */
    void onThrottled(long sentNanos, long now, double throttledFraction) {
        if (!adaptive || (decreased && sentNanos - lastDecrease < 0)) {
            return;
        }
        decreased = true;
        lastDecrease = now;
        double factor = 1 - Math.min(1, Math.max(0, throttledFraction)) / 2;
        if (inFlightAllowance > 1) {
            inFlightAllowance = Math.max(1, inFlightAllowance * factor);
            inFlightLimit = (int) inFlightAllowance;
            return;
        }
        if (adaptiveRate == Double.POSITIVE_INFINITY) {
            double measured = Math.max(2 * MIN_RATE, measuredRate(now));
            liftRate = 2 * measured;
            adaptiveRate = measured * factor;
        } else {
            adaptiveRate = Math.max(MIN_RATE, adaptiveRate * factor);
        }
        nextAdaptiveSend = now + (long) (SECOND / adaptiveRate);
    }

    /** A request completed without any throttling. */
    void onSuccess() {
        if (!adaptive) {
            return;
        }
        if (adaptiveRate != Double.POSITIVE_INFINITY) {
            // At r requests/s there are r successes per second: each adds max(1, 5% of r) / r.
            adaptiveRate += Math.max(RATE_STEP, RATE_GROWTH * adaptiveRate) / adaptiveRate;
            if (adaptiveRate > liftRate) {
                adaptiveRate = Double.POSITIVE_INFINITY;
            }
        } else if (inFlightAllowance < maxInFlight) {
            inFlightAllowance = Math.min(maxInFlight, Math.floor(inFlightAllowance) + 1);
            inFlightLimit = (int) inFlightAllowance;
        }
    }

    int inFlightLimit() {
        return inFlightLimit;
    }

    /** @return the adaptive request rate in requests/s, or +infinity when not throttled */
    double adaptiveRate() {
        return adaptiveRate;
    }

    private void countRequest(long now) {
        rollWindow(now);
        windowCount++;
    }

    private double measuredRate(long now) {
        rollWindow(now);
        double elapsed = (double) (now - windowStart) / SECOND;
        // A window shorter than 100 ms says too little; count its requests as one second's worth.
        double current = elapsed >= 0.1 ? windowCount / elapsed : windowCount;
        return Math.max(current, previousWindowCount);
    }

    private void rollWindow(long now) {
        long elapsed = now - windowStart;
        if (elapsed >= SECOND) {
            previousWindowCount = elapsed >= 2 * SECOND ? 0 : windowCount;
            windowCount = 0;
            windowStart = elapsed >= 2 * SECOND ? now : windowStart + SECOND;
        }
    }

    private static long later(long a, long b) {
        return b - a > 0 ? b : a;
    }
}
