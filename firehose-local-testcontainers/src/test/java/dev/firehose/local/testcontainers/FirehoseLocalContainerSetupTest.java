package dev.firehose.local.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the container is set up before it starts; needs no Docker engine. */
class FirehoseLocalContainerSetupTest {

    @Test
    void itExposesThePortAndPassesTheStreams() {
        try (FirehoseLocalContainer c = new FirehoseLocalContainer(DockerImageName.parse("firehose-local:1.2.3"))
                .withStreams("clicks").withStreams("views")) {

            assertThat(c.getExposedPorts()).containsExactly(FirehoseLocalContainer.PORT);
            assertThat(c.getCommandParts()).containsExactly("--create-stream", "clicks", "--create-stream", "views");
            assertThat(c.region().id()).isEqualTo("us-east-1");
            assertThat(c.credentialsProvider().resolveCredentials().accessKeyId()).isEqualTo(FirehoseLocalContainer.ACCESS_KEY);
        }
    }

    @Test
    void anImageThatIsNotFirehoseLocalIsRefused() {
        assertThatThrownBy(() -> new FirehoseLocalContainer(DockerImageName.parse("localstack/localstack:3.8")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("firehose-local");
        assertThatCode(() -> new FirehoseLocalContainer(
                DockerImageName.parse("registry.example/tools/fh:1").asCompatibleSubstituteFor("firehose-local")).close())
                .doesNotThrowAnyException();
    }
}
