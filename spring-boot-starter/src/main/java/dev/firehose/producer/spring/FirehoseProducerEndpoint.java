package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerStats;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code firehose} ({@code /actuator/firehose} once exposed with
 * {@code management.endpoints.web.exposure.include}): the producer's {@link ProducerStats}, in
 * total and per stream.
 */
@Endpoint(id = "firehose")
public class FirehoseProducerEndpoint {

    private final FirehoseProducer producer;

    /** @param producer the producer whose stats it shows */
    public FirehoseProducerEndpoint(FirehoseProducer producer) {
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    /** @return a snapshot of the producer's counters and levels */
    @ReadOperation
    public ProducerStats stats() {
        return producer.stats();
    }
}
