package dev.firehose.local.internal.partition;

import java.util.List;

/**
 * How a stream turns stored records into object contents and keys: its prefixes, dynamic
 * partitioning, and the processors in effect. The members as given
 * ({@code dynamicPartitioningEnabled}, {@code retryDurationSeconds}, {@code processingEnabled},
 * {@code processors}) are kept to be described back; {@code null} means not given.
 *
 * @param deaggregation   the RecordDeAggregation processor in effect, or {@code null}
 * @param query           the MetadataExtraction query in effect, or {@code null}
 * @param appendDelimiter whether AppendDelimiterToRecord is in effect (a newline after each record)
 */
public record RecordProcessing(Prefixes prefixes, Boolean dynamicPartitioningEnabled, Integer retryDurationSeconds,
                               Boolean processingEnabled, List<Processor> processors,
                               Deaggregation deaggregation, JqQuery query, boolean appendDelimiter) {

    private static final RecordProcessing NONE =
            new RecordProcessing(Prefixes.none(), null, null, null, List.of(), null, null, false);

    public RecordProcessing {
        processors = processors == null ? List.of() : List.copyOf(processors);
    }

    /** No prefixes, no dynamic partitioning, no processors. */
    public static RecordProcessing none() {
        return NONE;
    }

    /** Plain prefixes, nothing else. */
    public static RecordProcessing of(Prefixes prefixes) {
        return new RecordProcessing(prefixes, null, null, null, List.of(), null, null, false);
    }

    public boolean dynamicPartitioning() {
        return Boolean.TRUE.equals(dynamicPartitioningEnabled);
    }

    /** Whether records are changed or split before buffering (any processor in effect). */
    public boolean transformsRecords() {
        return deaggregation != null || query != null || appendDelimiter;
    }
}
