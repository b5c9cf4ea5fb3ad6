package dev.firehose.producer.metrics;

/**
 * How {@link FirehoseProducerMetrics} builds its distribution meters.
 *
 * @param publishPercentileHistogram whether the latency timer publishes a percentile histogram
 *                                   (for Prometheus' {@code histogram_quantile})
 * @param percentiles                client-side percentiles the latency timer computes, e.g. 0.5, 0.99
 */
record MeterOptions(boolean publishPercentileHistogram, double[] percentiles) {

    MeterOptions {
        percentiles = percentiles.clone();
    }

    @Override
    public double[] percentiles() {
        return percentiles.clone();
    }
}
