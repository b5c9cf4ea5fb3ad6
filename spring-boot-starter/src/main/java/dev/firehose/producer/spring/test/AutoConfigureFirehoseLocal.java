package dev.firehose.producer.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Runs a Boot test against an embedded {@code firehose-local} (add {@code dev.firehose:firehose-local}
 * to the test dependencies): the context gets a started {@code FirehoseLocal} bean on a free port
 * of 127.0.0.1, with the given streams created, and a {@code FirehoseConnectionDetails} bean that
 * points the auto-configured producer's client at it, with its static credentials. The endpoint
 * closes after the producer, when the context closes; its {@code ledger()} can be read after that.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFirehoseLocal(streams = "clicks")
 * class ClicksTest {
 *     @Autowired FirehoseProducer producer;
 *     @Autowired FirehoseLocal firehose;
 *
 *     @Test
 *     void clicksArrive() {
 *         producer.put("clicks", "{\"page\":\"/\"}\n").join();
 *         assertThat(firehose.ledger().count("clicks")).isEqualTo(1);
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(FirehoseLocalTestConfiguration.class)
public @interface AutoConfigureFirehoseLocal {

    /** @return the delivery streams to create before the context's beans start */
    String[] streams() default {};
}
