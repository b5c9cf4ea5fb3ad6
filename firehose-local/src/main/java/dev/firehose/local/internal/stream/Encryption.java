package dev.firehose.local.internal.stream;

import java.time.Instant;

/**
 * The server-side encryption setting of a stream, as Start/StopDeliveryStreamEncryption and
 * CreateDeliveryStream leave it. The service turns encryption on and off asynchronously; here the
 * transition ({@code ENABLING}, {@code DISABLING}) lasts until {@code settlesAt} by the endpoint's clock.
 *
 * @param enabled   whether encryption is on (or turning on)
 * @param keyType   {@code AWS_OWNED_CMK} or {@code CUSTOMER_MANAGED_CMK}; {@code null} when disabled
 * @param keyArn    the customer managed key's ARN, or {@code null}
 * @param settlesAt when the transition ends
 */
public record Encryption(boolean enabled, String keyType, String keyArn, Instant settlesAt) {

    /** Never enabled. */
    public static final Encryption DISABLED = new Encryption(false, null, null, Instant.EPOCH);

    /** ENABLING, ENABLED, DISABLING or DISABLED at {@code now}. */
    public String status(Instant now) {
        boolean settled = !now.isBefore(settlesAt);
        if (enabled) {
            return settled ? "ENABLED" : "ENABLING";
        }
        return settled ? "DISABLED" : "DISABLING";
    }

    /** Whether records put at {@code now} are encrypted (the Encrypted member of Put answers). */
    public boolean encrypts(Instant now) {
        return enabled && !now.isBefore(settlesAt);
    }

    /** Whether a transition is still under way at {@code now}. */
    public boolean transitioning(Instant now) {
        return now.isBefore(settlesAt);
    }
}
