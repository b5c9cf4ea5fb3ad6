package dev.firehose.producer.spring.test;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.spring.FirehoseConnectionDetails;
import java.net.URI;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportAware;
import org.springframework.core.type.AnnotationMetadata;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The beans of {@link AutoConfigureFirehoseLocal}: a started {@link FirehoseLocal} with the
 * annotation's streams, and the {@link FirehoseConnectionDetails} that point at it.
 */
@Configuration(proxyBeanMethods = false)
public class FirehoseLocalTestConfiguration implements ImportAware {

    private String[] streams = new String[0];

    /** Creates the configuration (Spring does, from the annotation). */
    public FirehoseLocalTestConfiguration() {
    }

    @Override
    public void setImportMetadata(AnnotationMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(AutoConfigureFirehoseLocal.class.getName());
        if (attributes != null) {
            streams = (String[]) attributes.get("streams");
        }
    }

    /**
     * The endpoint, started, with the streams created.
     *
     * @return the endpoint, closed with the context
     */
    @Bean(destroyMethod = "close")
    public FirehoseLocal firehoseLocal() {
        FirehoseLocal local = FirehoseLocal.builder().build().start();
        try {
            for (String stream : streams) {
                local.createDeliveryStream(stream);
            }
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        return local;
    }

    /**
     * Where the producer's own client connects: the endpoint, region us-east-1, its credentials.
     *
     * @param local the endpoint
     * @return the connection details
     */
    @Bean
    public FirehoseConnectionDetails firehoseLocalConnectionDetails(FirehoseLocal local) {
        return new FirehoseConnectionDetails() {
            @Override
            public URI endpoint() {
                return local.endpoint();
            }

            @Override
            public String region() {
                return Region.US_EAST_1.id();
            }

            @Override
            public AwsCredentialsProvider credentialsProvider() {
                return FirehoseLocal.credentialsProvider();
            }
        };
    }
}
