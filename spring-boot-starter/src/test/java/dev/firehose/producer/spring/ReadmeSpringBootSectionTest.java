package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.spring.app.ClicksApplication;
import dev.firehose.producer.spring.test.AutoConfigureFirehoseLocal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** The README's Spring Boot section: its snippets are the ones these tests run. */
class ReadmeSpringBootSectionTest {

    private static String section() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("## Spring Boot\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has a Spring Boot section").isNotNegative();
        return readme.substring(start, end);
    }

    private static String resource(String name) throws IOException {
        return new String(new ClassPathResource(name).getContentAsByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void showsTheDependencyAndTheApplicationYmlOfTheTests() throws IOException {
        String section = section();
        assertThat(section).contains("```xml\n" + resource("readme/dependency.xml") + "```")
                .contains("```yaml\n" + resource("readme/application.yml") + "```")
                .contains("@AutoConfigureFirehoseLocal(streams = \"clicks\")")
                .contains("producer.put(\"clicks\", \"{\\\"page\\\":\\\"/\\\"}\\n\").join();")
                .contains("assertThat(firehose.ledger().count(\"clicks\")).isEqualTo(1);");
    }

    @Test
    void theApplicationYmlBinds() throws IOException {
        PropertySource<?> yml = new YamlPropertySourceLoader()
                .load("readme", new ClassPathResource("readme/application.yml")).get(0);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FirehoseProducerAutoConfiguration.class))
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(yml))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    FirehoseProducerProperties properties = context.getBean(FirehoseProducerProperties.class);
                    assertThat(properties.getDeliveryStreamName()).isEqualTo("clicks");
                    assertThat(properties.getCloseTimeout()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(properties.getClient().getRegion()).isEqualTo("eu-west-1");
                    ProducerConfig config = context.getBean(ProducerConfig.class);
                    assertThat(config.lingerTime()).isEqualTo(Duration.ofMillis(200));
                    assertThat(config.maxBufferedBytes()).isEqualTo(64L * 1024 * 1024);
                    assertThat(config.packing()).isEqualTo(RecordPacking.newlineDelimited());
                });
    }

    /** The README's test, on the test application. */
    @Nested
    @SpringBootTest(classes = ClicksApplication.class)
    @AutoConfigureFirehoseLocal(streams = "clicks")
    class ClicksTest {
        @Autowired
        FirehoseProducer producer;
        @Autowired
        FirehoseLocal firehose;

        @Test
        void clicksArrive() {
            producer.put("clicks", "{\"page\":\"/\"}\n").join();
            assertThat(firehose.ledger().count("clicks")).isEqualTo(1);
        }
    }
}
