package dev.firehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadmeSectionTest {

    @Test
    void generatedTextReplacesWhatIsBetweenTheMarkersAndNothingElse() {
        String readme = "# Benchmarks\n\nintro\n\n" + ReadmeSection.BEGIN + "\nold table\n" + ReadmeSection.END
                + "\n\n## Analysis\nkept\n";

        String once = ReadmeSection.replace(readme, "new table\n");
        String twice = ReadmeSection.replace(once, "new table\n");

        assertThat(once).isEqualTo("# Benchmarks\n\nintro\n\n" + ReadmeSection.BEGIN + "\nnew table\n"
                + ReadmeSection.END + "\n\n## Analysis\nkept\n");
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void markersAreAppendedWhenTheReadmeHasNone() {
        String result = ReadmeSection.replace("# Benchmarks\n", "table");

        assertThat(result).isEqualTo("# Benchmarks\n\n" + ReadmeSection.BEGIN + "\ntable\n" + ReadmeSection.END + "\n");
    }
}
