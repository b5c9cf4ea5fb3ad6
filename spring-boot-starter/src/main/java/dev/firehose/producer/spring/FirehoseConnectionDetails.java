package dev.firehose.producer.spring;

import java.net.URI;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where the client the producer builds connects to, and as whom. By default it comes from
 * {@code firehose.producer.client.*}; a bean of this type replaces those properties, as Boot's
 * connection details do: {@link dev.firehose.producer.spring.test.AutoConfigureFirehoseLocal}
 * defines one for a test against {@code firehose-local}. Each value may be null, and then the
 * SDK's default chain decides it.
 */
public interface FirehoseConnectionDetails extends ConnectionDetails {

    /** @return the endpoint to send to instead of the region's, or null */
    URI endpoint();

    /** @return the AWS region, such as {@code us-east-1}, or null */
    String region();

    /** @return the credentials, or null for the SDK's default credentials chain */
    default AwsCredentialsProvider credentialsProvider() {
        return null;
    }
}
