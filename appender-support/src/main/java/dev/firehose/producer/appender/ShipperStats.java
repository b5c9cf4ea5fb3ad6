package dev.firehose.producer.appender;

import dev.firehose.producer.ProducerStats;

/**
 * What a {@link LogShipper} did with the events it was given. Once it is closed they balance:
 * {@code accepted == delivered + failed}, and every event given to it is in exactly one of
 * {@code accepted}, {@code dropped()} and {@code excluded}.
 *
 * @param accepted events the producer accepted
 * @param delivered events Firehose acknowledged
 * @param failed events the producer gave up on (retries exhausted, deadline, close), including
 *     those still pending when the shipper closed
 * @param droppedBufferFull events dropped because the buffer was full
 * @param droppedTooLarge events dropped because they exceed Firehose's record limit
 * @param droppedOther events dropped for another reason: the layout or encoder threw, or the
 *     shipper was closing
 * @param excluded events not sent by design: from an excluded logger, logged on the producer's own
 *     threads, or logged while the same thread was already shipping an event
 * @param producer the producer's own stats
 */
public record ShipperStats(long accepted, long delivered, long failed, long droppedBufferFull, long droppedTooLarge,
        long droppedOther, long excluded, ProducerStats producer) {

    /** @return every event dropped before the producer accepted it */
    public long dropped() {
        return droppedBufferFull + droppedTooLarge + droppedOther;
    }

    /** @return events accepted and not yet settled */
    public long pending() {
        return accepted - delivered - failed;
    }
}
