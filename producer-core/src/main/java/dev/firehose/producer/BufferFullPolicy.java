package dev.firehose.producer;

/** What {@code put} does when the buffer is full (see {@link ProducerConfig#bufferFullPolicy()}). */
public enum BufferFullPolicy {
    /** Wait up to {@link ProducerConfig#maxBlockTime()} for space, then throw {@link BufferFullException}. */
    BLOCK,
    /** Throw {@link BufferFullException} at once. */
    FAIL
}
