package dev.firehose.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.FirehoseLocalExtension;
import dev.firehose.producer.FirehoseProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/** The README's "firehose-local in your tests" snippet, as written there, so that it keeps compiling and passing. */
class ReadmeSnippetTest {

    @RegisterExtension
    static FirehoseLocalExtension firehose = new FirehoseLocalExtension().withStreams("clicks");

    @Test
    void everyRecordArrives(FirehoseLocal local) throws Exception {
        local.setFaults("clicks", Faults.builder().entryInternalFailureRate(0.1).build());
        try (FirehoseAsyncClient client = local.asyncClient();
             FirehoseProducer producer = FirehoseProducer.builder()
                     .deliveryStreamName("clicks").client(client).build()) {
            producer.put("hello\n").join();
        }
        assertThat(local.ledger().count("clicks")).isEqualTo(1);
    }
}
