package dev.firehose.local.cloudwatch;

import java.time.Instant;

/**
 * The statistics of one metric over one period.
 *
 * @param timestamp  start of the period
 * @param statistics the aggregate of every sample in the period
 * @param unit       the unit the samples were recorded with; {@code None} if none was given, and
 *                   the first unit seen if samples with several units were merged
 */
public record MetricDatapoint(Instant timestamp, StatisticSet statistics, String unit) {
}
