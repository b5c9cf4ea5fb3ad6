package dev.firehose.local.cloudwatch;

/**
 * The aggregate CloudWatch keeps for a standard-resolution metric in one period: how many samples,
 * their sum, their smallest and their largest value. The average is derived ({@code sum /
 * sampleCount}), the way CloudWatch derives it. Immutable.
 *
 * @param sampleCount number of samples, at least 1 for any set that holds data
 * @param sum         sum of the samples
 * @param minimum     smallest sample
 * @param maximum     largest sample
 */
public record StatisticSet(double sampleCount, double sum, double minimum, double maximum) {

    /** A set of one sample. */
    public static StatisticSet of(double value) {
        return new StatisticSet(1, value, value, value);
    }

    /** A set of {@code count} samples that all have the same value. */
    public static StatisticSet repeated(double value, double count) {
        return new StatisticSet(count, value * count, value, value);
    }

    /** {@code sum / sampleCount}; NaN for an empty set. */
    public double average() {
        return sampleCount == 0 ? Double.NaN : sum / sampleCount;
    }

    /** The set holding the samples of both sets. */
    public StatisticSet plus(StatisticSet other) {
        return new StatisticSet(sampleCount + other.sampleCount, sum + other.sum,
                Math.min(minimum, other.minimum), Math.max(maximum, other.maximum));
    }

    /**
     * The value of one of CloudWatch's five basic statistics.
     *
     * @param statistic {@code SampleCount}, {@code Sum}, {@code Average}, {@code Minimum} or {@code Maximum}
     * @throws IllegalArgumentException for any other name
     */
    public double get(String statistic) {
        return switch (statistic) {
            case "SampleCount" -> sampleCount;
            case "Sum" -> sum;
            case "Average" -> average();
            case "Minimum" -> minimum;
            case "Maximum" -> maximum;
            default -> throw new IllegalArgumentException("unknown statistic '" + statistic
                    + "'; expected SampleCount, Sum, Average, Minimum or Maximum");
        };
    }
}
