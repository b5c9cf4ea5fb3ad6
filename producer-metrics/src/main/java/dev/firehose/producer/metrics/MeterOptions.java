package dev.firehose.producer.metrics;

/**
 * How {@link FirehoseProducerMetrics} builds its distribution meters.
 *
 * @param publishPercentileHistogram {@code true} to make the latency timer publish a percentile
 *                                   histogram (for Prometheus' {@code histogram_quantile});
 *                                   {@code false} leaves the choice to the registry and the
 *                                   application's {@code MeterFilter}s, which by Micrometer's
 *                                   defaults means no histogram
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
