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

    /**
     * A set of one sample.
     *
     * @param value the sample
     * @return a set with sample count 1 and {@code value} as sum, minimum and maximum
     */
    public static StatisticSet of(double value) {
        return new StatisticSet(1, value, value, value);
    }

    /**
     * A set of samples that all have the same value, as PutMetricData's {@code Values} with
     * {@code Counts} sends them.
     *
     * @param value the value of every sample
     * @param count how many samples, positive (not checked here)
     * @return a set with sample count {@code count}, sum {@code value * count}, and {@code value}
     *         as minimum and maximum
     */
    public static StatisticSet repeated(double value, double count) {
        return new StatisticSet(count, value * count, value, value);
    }

    /**
     * The average of the samples, derived as CloudWatch derives it.
     *
     * @return {@code sum / sampleCount}; {@code NaN} for a set of no samples
     */
    public double average() {
        return sampleCount == 0 ? Double.NaN : sum / sampleCount;
    }

    /**
     * Merges two sets, as CloudWatch merges the samples of one period.
     *
     * @param other the other set
     * @return a new set holding the samples of both: counts and sums added, the smaller minimum and
     *         the larger maximum
     * @throws NullPointerException if {@code other} is {@code null}
     */
    public StatisticSet plus(StatisticSet other) {
        return new StatisticSet(sampleCount + other.sampleCount, sum + other.sum,
                Math.min(minimum, other.minimum), Math.max(maximum, other.maximum));
    }

    /**
     * The value of one of CloudWatch's five basic statistics.
     *
     * @param statistic {@code SampleCount}, {@code Sum}, {@code Average}, {@code Minimum} or {@code Maximum}
     * @return the statistic's value
     * @throws IllegalArgumentException for any other name
     * @throws NullPointerException     if {@code statistic} is {@code null}
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
