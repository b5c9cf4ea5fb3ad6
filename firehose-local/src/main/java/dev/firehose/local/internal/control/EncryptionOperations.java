package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.stream.Encryption;
import dev.firehose.local.internal.stream.StreamControl;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * StartDeliveryStreamEncryption and StopDeliveryStreamEncryption, and the
 * {@code DeliveryStreamEncryptionConfigurationInput} member of CreateDeliveryStream. Nothing is
 * encrypted and no KMS key is checked: the setting is recorded, reported by DescribeDeliveryStream
 * (ENABLING then ENABLED, DISABLING then DISABLED, each transition lasting the endpoint's
 * activation delay) and in the {@code Encrypted} member of Put answers. Thread-safe.
 */
final class EncryptionOperations {

    static final String AWS_OWNED = "AWS_OWNED_CMK";
    static final String CUSTOMER_MANAGED = "CUSTOMER_MANAGED_CMK";
    /** Start and Stop together: at most 25 calls per stream in 24 hours. */
    static final int CALLS_PER_DAY = 25;

    private final Streams streams;
    private final Clock clock;
    private final Duration transition;

    EncryptionOperations(Streams streams, Clock clock, Duration transition) {
        this.streams = streams;
        this.clock = clock;
        this.transition = transition;
    }

    void start(JsonNode in) {
        String name = ControlPlane.requireName(in);
        JsonNode input = in.get("DeliveryStreamEncryptionConfigurationInput");
        Instant now = clock.instant();
        Encryption wanted = input == null || input.isNull()
                ? new Encryption(true, AWS_OWNED, null, now.plus(transition))
                : parseInput(input, "deliveryStreamEncryptionConfigurationInput", now.plus(transition));
        StreamControl control = stream(name).control();
        if (control.source().kinesis()) {
            throw ApiError.invalidArgument("Server-side encryption is available only for DirectPut streams; "
                    + "Firehose stream " + name + " reads from a Kinesis data stream.");
        }
        change(name, control, wanted, now);
    }

    void stop(JsonNode in) {
        String name = ControlPlane.requireName(in);
        Instant now = clock.instant();
        StreamControl control = stream(name).control();
        change(name, control, new Encryption(false, null, null, now.plus(transition)), now);
    }

    private void change(String name, StreamControl control, Encryption wanted, Instant now) {
        synchronized (control) {
            Encryption current = control.encryption();
            if (current.transitioning(now)) {
                throw new ApiError(400, ApiError.RESOURCE_IN_USE, "The encryption of Firehose stream " + name
                        + " is " + current.status(now) + "; wait until the change completes.");
            }
            if (!control.countEncryptionCall(now, CALLS_PER_DAY, Duration.ofDays(1))) {
                throw new ApiError(400, ApiError.LIMIT_EXCEEDED, "Firehose stream " + name + " has had "
                        + CALLS_PER_DAY + " StartDeliveryStreamEncryption and StopDeliveryStreamEncryption calls "
                        + "in the last 24 hours, the limit per stream.");
            }
            if (!wanted.enabled() && !current.enabled()) {
                return; // already disabled: nothing changes
            }
            control.encryption(wanted);
        }
    }

    private StreamRuntime stream(String name) {
        StreamRuntime s = streams.get(name);
        if (s == null) {
            throw Streams.notFound(name);
        }
        return s;
    }

    /**
     * Reads a DeliveryStreamEncryptionConfigurationInput: KeyType required (AWS_OWNED_CMK or
     * CUSTOMER_MANAGED_CMK); a KeyARN exactly when the key is customer managed.
     */
    static Encryption parseInput(JsonNode input, String path, Instant settlesAt) {
        if (!input.isObject()) {
            throw ApiError.serialization("DeliveryStreamEncryptionConfigurationInput must be an object");
        }
        Members.refuseUnknown(input, "DeliveryStreamEncryptionConfigurationInput", Set.of("KeyType", "KeyARN"));
        List<String> problems = new ArrayList<>();
        String keyType = ControlPlane.text(input, "KeyType");
        String keyArn = ControlPlane.text(input, "KeyARN");
        if (keyType == null) {
            problems.add(Members.value(null, path + ".keyType") + "Member must not be null");
        } else if (!AWS_OWNED.equals(keyType) && !CUSTOMER_MANAGED.equals(keyType)) {
            problems.add(Members.value(keyType, path + ".keyType")
                    + "Member must satisfy enum value set: [" + AWS_OWNED + ", " + CUSTOMER_MANAGED + "]");
        }
        if (keyArn != null) {
            Members.checkArn(keyArn, path + ".keyARN", 512, problems);
        }
        Members.throwIfAny(problems);
        if (CUSTOMER_MANAGED.equals(keyType) && keyArn == null) {
            throw ApiError.invalidArgument("KeyARN is required when KeyType is " + CUSTOMER_MANAGED + ".");
        }
        if (AWS_OWNED.equals(keyType) && keyArn != null) {
            throw ApiError.invalidArgument("KeyARN must not be given when KeyType is " + AWS_OWNED
                    + "; it is for " + CUSTOMER_MANAGED + " only.");
        }
        return new Encryption(true, keyType, keyArn, settlesAt);
    }

    /** Fills a DeliveryStreamEncryptionConfiguration of DescribeDeliveryStream. */
    static void describe(ObjectNode out, Encryption e, Instant now) {
        String status = e.status(now);
        if (e.enabled()) {
            out.put("KeyType", e.keyType());
            if (e.keyArn() != null) {
                out.put("KeyARN", e.keyArn());
            }
        }
        out.put("Status", status);
    }
}
