package dev.firehose.local;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The JUnit 5 extension: class-wide and per-test endpoints, parameter injection, streams. */
class FirehoseLocalExtensionTest {

    @Nested
    class SharedByTheClass {

        @RegisterExtension
        static final FirehoseLocalExtension firehose = new FirehoseLocalExtension(() -> FirehoseLocal.builder().seed(3))
                .withStreams("shared");

        static final Set<URI> endpoints = new HashSet<>();

        @Test
        void injectsTheRunningEndpointWithItsStreams(FirehoseLocal local) {
            assertThat(local).isSameAs(firehose.local());
            try (FirehoseClient client = local.syncClient()) {
                assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("shared");
            }
            endpoints.add(local.endpoint());
            assertThat(endpoints).hasSize(1);
        }

        @Test
        void everyTestSeesTheSameEndpoint(FirehoseLocal local) {
            endpoints.add(local.endpoint());
            assertThat(endpoints).hasSize(1);
        }
    }

    @Nested
    @org.junit.jupiter.api.extension.ExtendWith(FirehoseLocalExtension.class)
    class DeclaredWithExtendWith {

        @Test
        void injectsARunningEndpoint(FirehoseLocal local) {
            try (FirehoseClient client = local.syncClient()) {
                local.createDeliveryStream("declared");
                assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("declared");
            }
        }
    }

    @Nested
    class FreshForEachTest {

        @RegisterExtension
        final FirehoseLocalExtension firehose = new FirehoseLocalExtension();

        @Test
        void startsAnEmptyEndpoint(FirehoseLocal local) {
            try (FirehoseClient client = local.syncClient()) {
                assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
                local.createDeliveryStream("mine");
                assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("mine");
            }
        }

        @Test
        void doesNotSeeTheStreamsOfOtherTests(FirehoseLocal local) {
            try (FirehoseClient client = local.syncClient()) {
                assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
            }
        }
    }
}
