package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.LimitExceededException;
import software.amazon.awssdk.services.firehose.model.ListTagsForDeliveryStreamResponse;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tags on CreateDeliveryStream, TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream. */
class TagsTest {

    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static List<Tag> tags(int n, String prefix) {
        List<Tag> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tag(String.format("%s%02d", prefix, i), "v" + i));
        }
        return out;
    }

    private Map<String, String> allTags(String stream) {
        Map<String, String> out = new LinkedHashMap<>();
        String start = null;
        boolean more = true;
        while (more) {
            String from = start;
            ListTagsForDeliveryStreamResponse page = sync.listTagsForDeliveryStream(r -> r.deliveryStreamName(stream)
                    .exclusiveStartTagKey(from).limit(7));
            page.tags().forEach(t -> out.put(t.key(), t.value()));
            more = page.hasMoreTags();
            start = page.tags().isEmpty() ? start : page.tags().get(page.tags().size() - 1).key();
        }
        return out;
    }

    @Test
    void tagsGivenAtCreationAreListed() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("tagged")
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::tag-bucket").roleARN("arn:aws:iam::1:role/r"))
                .tags(tag("team", "data"), tag("cost-center", "42")));

        ListTagsForDeliveryStreamResponse res = sync.listTagsForDeliveryStream(r -> r.deliveryStreamName("tagged"));
        assertThat(res.tags()).containsExactly(tag("cost-center", "42"), tag("team", "data"));
        assertThat(res.hasMoreTags()).isFalse();
    }

    @Test
    void tagReplacesValuesUntagRemovesKeysAndIgnoresUnknownOnes() {
        local.createDeliveryStream("s");
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("a", "1"), tag("b", "2")));
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("b", "two"), tag("c", "")));
        sync.untagDeliveryStream(r -> r.deliveryStreamName("s").tagKeys("a", "never-there"));

        assertThat(allTags("s")).containsExactly(Map.entry("b", "two"), Map.entry("c", ""));
    }

    @Test
    void listPagesInKeyOrderWithHasMoreTags() {
        local.createDeliveryStream("s");
        List<Tag> fifty = tags(50, "k");
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(fifty));

        ListTagsForDeliveryStreamResponse first = sync.listTagsForDeliveryStream(r -> r.deliveryStreamName("s").limit(20));
        assertThat(first.tags()).hasSize(20).first().isEqualTo(tag("k00", "v0"));
        assertThat(first.hasMoreTags()).isTrue();
        ListTagsForDeliveryStreamResponse last = sync.listTagsForDeliveryStream(r -> r.deliveryStreamName("s")
                .exclusiveStartTagKey("k39"));
        assertThat(last.tags()).extracting(Tag::key).containsExactly("k40", "k41", "k42", "k43", "k44", "k45", "k46",
                "k47", "k48", "k49");
        assertThat(last.hasMoreTags()).isFalse();
        assertThat(allTags("s")).hasSize(50);
    }

    @Test
    void moreThanFiftyTagsOnAStreamIsLimitExceeded() {
        local.createDeliveryStream("s");
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tags(45, "a")));

        assertThatThrownBy(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tags(6, "b"))))
                .isExactlyInstanceOf(LimitExceededException.class)
                .hasMessageContaining("51 tags")
                .hasMessageContaining("at most 50");
        assertThat(allTags("s")).hasSize(45);
        // replacing existing keys does not count twice
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tags(45, "a")));
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tags(5, "b")));
        assertThat(allTags("s")).hasSize(50);
    }

    @Test
    void tagConstraintsAreValidationErrors() {
        local.createDeliveryStream("s");

        assertValidation(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("aws:reserved", "x"))),
                "Value 'aws:reserved' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular "
                        + "expression pattern: ^(?!aws:)");
        assertValidation(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("ok", "bad#value"))),
                "at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern");
        assertValidation(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("k".repeat(129), "v"))),
                "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128");
        assertValidation(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("ok", "v".repeat(257)))),
                "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256");
        assertValidation(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tags(51, "t"))),
                "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
        assertValidation(() -> sync.untagDeliveryStream(r -> r.deliveryStreamName("s").tagKeys("")),
                "Value '' at 'tagKeys.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1");
        assertValidation(() -> sync.listTagsForDeliveryStream(r -> r.deliveryStreamName("s").limit(51)),
                "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50");
        // Unicode letters, digits, white space and _ . : / = + - @ % are allowed
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("Équipe données", "a/b=c+d-e@f%g:h_i.j 7")));
        assertThat(allTags("s")).containsEntry("Équipe données", "a/b=c+d-e@f%g:h_i.j 7");
    }

    @Test
    void tagsOfAStreamThatDoesNotExistAreResourceNotFound() {
        assertThatThrownBy(() -> sync.tagDeliveryStream(r -> r.deliveryStreamName("ghost").tags(tag("a", "b"))))
                .isExactlyInstanceOf(ResourceNotFoundException.class).hasMessageContaining("ghost");
        assertThatThrownBy(() -> sync.untagDeliveryStream(r -> r.deliveryStreamName("ghost").tagKeys("a")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> sync.listTagsForDeliveryStream(r -> r.deliveryStreamName("ghost")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void tagsGoWithTheStream() {
        local.createDeliveryStream("s");
        sync.tagDeliveryStream(r -> r.deliveryStreamName("s").tags(tag("a", "1")));
        sync.deleteDeliveryStream(r -> r.deliveryStreamName("s"));
        local.createDeliveryStream("s");

        assertThat(allTags("s")).isEmpty();
    }

    private static void assertValidation(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining(message);
    }
}
