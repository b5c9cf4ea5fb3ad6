package dev.firehose.local.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * firehose-local in a container: the image built from {@code firehose-local/Dockerfile}, which runs
 * the executable jar bound to every interface of the container on port {@value #PORT}. The
 * container counts as started when the endpoint answers HTTP. The Firehose, CloudWatch and S3 APIs
 * (S3 path-style) and the {@code /_local/} admin API all share that port.
 *
 * <pre>{@code
 * @Container
 * static FirehoseLocalContainer firehose =
 *         new FirehoseLocalContainer(DockerImageName.parse("firehose-local:latest")).withStreams("clicks");
 *
 * try (FirehoseClient client = FirehoseClient.builder().applyMutation(firehose::configure).build()) { ... }
 * FirehoseProducer producer = FirehoseProducer.builder()
 *         .clientCustomizer(firehose.firehoseClientCustomizer()).deliveryStreamName("clicks").build();
 * }</pre>
 *
 * <p>Not thread-safe while being configured; once started, its accessors may be called from any
 * thread.
 */
public class FirehoseLocalContainer extends GenericContainer<FirehoseLocalContainer> {

    /** The port firehose-local listens on inside the container. */
    public static final int PORT = 4573;
    /** The image name the Dockerfile's instructions build ({@code docker build -t firehose-local ...}). */
    public static final DockerImageName DEFAULT_IMAGE_NAME = DockerImageName.parse("firehose-local");
    /** The region firehose-local answers for; clients must sign for it. */
    public static final Region REGION = Region.US_EAST_1;
    /** The access key of {@link #credentialsProvider()}; any credentials are accepted. */
    public static final String ACCESS_KEY = "firehose-local";
    /** The secret key of {@link #credentialsProvider()}. */
    public static final String SECRET_KEY = "firehose-local-secret";
    /** Default time to wait for the endpoint to answer after the container starts: 60 seconds. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A container of the image {@code image}, which must be firehose-local's (named
     * {@code firehose-local}, or declared a compatible substitute with
     * {@link DockerImageName#asCompatibleSubstituteFor(String)}).
     *
     * @param image the image, e.g. {@code DockerImageName.parse("firehose-local:latest")}
     * @throws NullPointerException     if {@code image} is {@code null}
     * @throws IllegalStateException    if the image is not compatible with {@link #DEFAULT_IMAGE_NAME}
     */
    public FirehoseLocalContainer(DockerImageName image) {
        super(Objects.requireNonNull(image, "image"));
        image.assertCompatibleWith(DEFAULT_IMAGE_NAME);
        setUp();
    }

    /**
     * A container of an image the test builds itself, e.g. from the Dockerfile with
     * {@code new ImageFromDockerfile().withFileFromPath(...)}; the image is not checked.
     *
     * @param image the future name of the image, as Testcontainers' image builders give it
     * @throws NullPointerException if {@code image} is {@code null}
     */
    public FirehoseLocalContainer(Future<String> image) {
        super(Objects.requireNonNull(image, "image"));
        setUp();
    }

    private void setUp() {
        withExposedPorts(PORT);
        waitingFor(Wait.forHttp("/_local/faults").forPort(PORT).forStatusCode(200)
                .withStartupTimeout(DEFAULT_STARTUP_TIMEOUT));
    }

    /**
     * DirectPut streams to create when the container starts (the {@code --create-stream} option,
     * added to the command), delivering to the bucket {@code firehose-local}, ACTIVE at once. A
     * later {@code withCommand} replaces them.
     *
     * @param names stream names
     * @return this container
     * @throws NullPointerException if a name is {@code null}
     */
    public FirehoseLocalContainer withStreams(String... names) {
        List<String> command = new ArrayList<>(List.of(getCommandParts()));
        for (String n : names) {
            command.add("--create-stream");
            command.add(Objects.requireNonNull(n, "stream name"));
        }
        setCommand(command.toArray(String[]::new));
        return this;
    }

    /**
     * The URL of the endpoint as seen from the test's JVM, for an SDK's {@code endpointOverride}
     * or the AWS CLI's {@code --endpoint-url}.
     *
     * @return {@code http://<host>:<mapped port>}
     * @throws IllegalStateException if the container is not running
     */
    public URI endpoint() {
        return URI.create("http://" + getHost() + ":" + getMappedPort(PORT));
    }

    /**
     * The region to configure clients with.
     *
     * @return {@link #REGION}
     */
    public Region region() {
        return REGION;
    }

    /**
     * Static credentials for clients of the container: firehose-local checks that requests are
     * signed, not by whom.
     *
     * @return a provider of {@link #ACCESS_KEY} and {@link #SECRET_KEY}
     */
    public StaticCredentialsProvider credentialsProvider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /**
     * Points any AWS SDK client builder at the container: endpoint, region and credentials. For an
     * {@code S3ClientBuilder} also set {@code forcePathStyle(true)}.
     *
     * @param builder the builder, e.g. {@code FirehoseClient.builder()}
     * @param <B>     the builder's type
     * @return {@code builder}, configured
     * @throws IllegalStateException if the container is not running
     */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        return builder.endpointOverride(endpoint()).region(region()).credentialsProvider(credentialsProvider());
    }

    /**
     * A customizer of {@code FirehoseClient} builders that points them at the container, for
     * {@code FirehoseProducer.Builder.clientCustomizer} or {@code applyMutation}. It reads the
     * container's address when applied, so make it before the container starts if you like.
     *
     * @return the customizer
     */
    public Consumer<FirehoseClientBuilder> firehoseClientCustomizer() {
        return this::configure;
    }
}
