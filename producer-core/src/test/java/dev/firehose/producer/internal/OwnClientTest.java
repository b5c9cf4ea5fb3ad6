package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/** What a client customizer may change on the producer's own client, and what the producer keeps. */
class OwnClientTest {

    /** Enough for the SDK to build a client without the default chains; nothing is sent. */
    private static final Consumer<FirehoseClientBuilder> OFFLINE = b -> b.region(Region.EU_WEST_3)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:9"));

    private final Logger logger = (Logger) LoggerFactory.getLogger(OwnClient.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void listen() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(appender);
    }

    @Test
    void retriesTheCustomizerAsksForAreTurnedOffAndItIsLogged() {
        OwnClient own = OwnClient.build(OFFLINE.andThen(b -> b.overrideConfiguration(o -> o
                .retryStrategy(RetryMode.STANDARD).apiCallAttemptTimeout(Duration.ofSeconds(7)))));
        try {
            ClientOverrideConfiguration o = own.client().serviceClientConfiguration().overrideConfiguration();
            assertThat(o.retryStrategy()).get().extracting(RetryStrategy::maxAttempts).isEqualTo(1);
            assertThat(o.apiCallAttemptTimeout()).as("the customizer's other settings stay").contains(
                    Duration.ofSeconds(7));
            assertThat(own.retriesOff()).isTrue();
            assertThat(warnings()).singleElement().asString().contains("the client customizer set the SDK's retries");
        } finally {
            own.client().close();
        }
    }

    @Test
    void aCustomizerThatLeavesRetriesAloneIsNotWarnedAbout() {
        // A whole override configuration, replacing the builder's: the producer's retry setting comes after it.
        OwnClient own = OwnClient.build(OFFLINE.andThen(b -> b.overrideConfiguration(
                ClientOverrideConfiguration.builder().apiCallAttemptTimeout(Duration.ofSeconds(7)).build())));
        try {
            assertThat(own.client().serviceClientConfiguration().overrideConfiguration().retryStrategy()).get()
                    .extracting(RetryStrategy::maxAttempts).isEqualTo(1);
            assertThat(own.retriesOff()).isTrue();
            assertThat(warnings()).isEmpty();
        } finally {
            own.client().close();
        }
    }

    @Test
    void aClientBuiltWithAPluginOfTheCustomizersIsNotTrustedToHaveItsRetriesOff() {
        OwnClient own = OwnClient.build(OFFLINE.andThen(b -> b.addPlugin(new SdkPlugin() {
            @Override
            public void configureClient(software.amazon.awssdk.core.SdkServiceClientConfiguration.Builder config) {
                config.overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
            }
        })));
        try {
            assertThat(own.retriesOff()).as("requests need the per-request plugin").isFalse();
        } finally {
            own.client().close();
        }
    }

    private List<String> warnings() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
