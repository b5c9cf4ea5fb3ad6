package dev.firehose.producer.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;

/**
 * Makes every producer attempt exactly one SDK attempt, on any client, and counts what the SDK sent.
 *
 * <p>A client built with the SDK's default retry strategy would retry inside one producer attempt:
 * an answer lost after the service stored the records would then be hidden behind the SDK's second
 * attempt, and the records stored twice without being flagged. {@link #prepare} therefore adds a
 * request-level {@link SdkPlugin} (the SDK applies it to a copy of the client's configuration for
 * this call only) that
 * <ul>
 *   <li>sets the retry strategy of this call to {@link AwsRetryStrategy#doNotRetry()}, and</li>
 *   <li>adds an {@link ExecutionInterceptor} whose {@code beforeTransmission} counts every attempt the
 *       SDK hands to its HTTP client into the call's {@link Tracker} (carried in an execution
 *       attribute, so the plugin and the interceptor are shared constants).</li>
 * </ul>
 * The client's own settings are untouched; the user's client is neither changed nor closed.
 *
 * <p>Clock skew still heals: the SDK corrects its clock offset from the {@code Date} header of a
 * clock-skew error before it asks the retry strategy whether to retry, so the producer's next
 * attempt (a new call) is signed with the corrected time ({@code SdkAttemptsTest} shows it).
 *
 * <p>What {@link Tracker#transmissions()} means once the call has completed:
 * <ul>
 *   <li>1: the normal case, one attempt, the SDK did not retry;</li>
 *   <li>more than 1: the SDK retried although it was told not to (a client that ignores the
 *       override): the request's records may have been stored more than once;</li>
 *   <li>0 with {@link Tracker#applied()}: the call failed before the SDK handed it to the HTTP
 *       client (an invalid request, no credentials), so nothing was sent;</li>
 *   <li>0 without {@code applied()}: the client did not apply the plugin (a hand-written
 *       {@code FirehoseAsyncClient}, an SDK too old for request-level plugins), or the call failed
 *       before it began: nothing is known about retries inside the call.</li>
 * </ul>
 * A transmission is an attempt handed to the HTTP client: it counts whether or not a connection
 * was then made.
 *
 * <p>Thread-safe. Cost per call: the tracker, the request's override configuration, and the SDK's
 * work for a request-level plugin, measured at 13 to 20 microseconds of CPU on a 2-core machine: about
 * 8 for the copy of the client configuration that any request-level plugin costs, the rest for
 * reading and writing back the client's override configuration to append the interceptor.
 */
final class SdkAttempts {

    /**
     * Carries the call's tracker from the request to the shared interceptor. The SDK refuses two
     * attributes of one name in a JVM: the name carries this class's identity, so that two copies
     * of the producer in different class loaders over one SDK can both load.
     */
    private static final ExecutionAttribute<Tracker> TRACKER = new ExecutionAttribute<>(SdkAttempts.class.getName()
            + ".Tracker@" + Integer.toHexString(System.identityHashCode(SdkAttempts.class)));

    /** Counts each attempt the SDK hands to its HTTP client (any SDK thread). */
    static final ExecutionInterceptor COUNTING_INTERCEPTOR = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
            Tracker tracker = executionAttributes.getAttribute(TRACKER);
            if (tracker != null) {
                tracker.applied = true;
            }
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
            Tracker tracker = executionAttributes.getAttribute(TRACKER);
            if (tracker != null) {
                tracker.transmitted();
            }
        }

        @Override
        public String toString() {
            return "SdkAttempts.COUNTING_INTERCEPTOR";
        }
    };

    /** Turns the SDK's retries off for one call and counts its transmissions (applied per call by the SDK). */
    static final SdkPlugin ONE_ATTEMPT_PLUGIN = new SdkPlugin() {
        @Override
        public void configureClient(SdkServiceClientConfiguration.Builder config) {
            config.overrideConfiguration(c -> {
                c.retryStrategy(AwsRetryStrategy.doNotRetry());
                // Once per call, however often the plugin is applied, or transmissions would count double.
                if (!c.executionInterceptors().contains(COUNTING_INTERCEPTOR)) {
                    c.addExecutionInterceptor(COUNTING_INTERCEPTOR);
                }
            });
        }

        @Override
        public String toString() {
            return "SdkAttempts.ONE_ATTEMPT_PLUGIN";
        }
    };

    private SdkAttempts() {
    }

    /** Per request: counts the SDK's transmissions of it. Thread-safe. */
    static final class Tracker {

        private static final VarHandle TRANSMISSIONS;

        static {
            try {
                TRANSMISSIONS = MethodHandles.lookup().findVarHandle(Tracker.class, "transmissions", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Written by SDK threads (the interceptor), read by the sender. */
        private volatile int transmissions;
        /** Written once by the calling thread inside the SDK, read by the sender. */
        private volatile boolean applied;

        Tracker() {
        }

        /**
         * How many attempts the SDK handed to its HTTP client for this request so far: 1 after a
         * normal call, more than 1 if the SDK retried, 0 if the client did not apply the plugin or the
         * call failed before any attempt (see the class javadoc).
         */
        int transmissions() {
            return transmissions;
        }

        /**
         * Whether the SDK applied {@link #prepare}'s plugin to this call, so that its retries were off
         * and {@link #transmissions()} counts. False if the client ignored the plugin (not an SDK
         * client), or before the call started. With {@code transmissions() == 0} it tells "nothing was
         * handed to the HTTP client" (true) from "unknown" (false).
         */
        boolean applied() {
            return applied;
        }

        private void transmitted() {
            TRANSMISSIONS.getAndAdd(this, 1);
        }

        @Override
        public String toString() {
            return "Tracker[transmissions=" + transmissions + ", applied=" + applied + "]";
        }
    }

    /**
     * Sets the API call timeout and turns the SDK's retries off for this request only, and makes the
     * SDK count its transmissions of the request into {@code tracker}. Any override configuration
     * already on the builder is kept. Use a new tracker for every call.
     *
     * @param builder the request, complete but for this
     * @param apiCallTimeout the time the SDK may take for the call, positive
     * @param tracker the counter of this call's transmissions
     * @return the request to send
     */
    static PutRecordBatchRequest prepare(PutRecordBatchRequest.Builder builder, Duration apiCallTimeout,
            Tracker tracker) {
        AwsRequestOverrideConfiguration existing = builder.overrideConfiguration();
        AwsRequestOverrideConfiguration.Builder override = existing == null
                ? AwsRequestOverrideConfiguration.builder() : existing.toBuilder();
        if (!override.plugins().contains(ONE_ATTEMPT_PLUGIN)) {
            override.addPlugin(ONE_ATTEMPT_PLUGIN);
        }
        return builder.overrideConfiguration(override
                        .apiCallTimeout(apiCallTimeout)
                        .putExecutionAttribute(TRACKER, tracker)
                        .build())
                .build();
    }
}
