package dev.firehose.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs a {@link FirehoseLocal} for JUnit 5 tests and injects it into test and lifecycle method
 * parameters of type {@link FirehoseLocal}.
 *
 * <p>Registered on a {@code static} field (or with {@code @ExtendWith}), one endpoint serves the
 * whole test class; registered on an instance field, every test gets a fresh endpoint. Either way
 * it is closed (buffers delivered) when its scope ends.
 *
 * <pre>{@code
 * @RegisterExtension
 * static FirehoseLocalExtension firehose = new FirehoseLocalExtension().withStreams("clicks");
 *
 * @Test
 * void putsArrive(FirehoseLocal local) { try (var client = local.syncClient()) { ... } }
 * }</pre>
 */
public final class FirehoseLocalExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final String KEY = "firehose-local";

    private final Supplier<FirehoseLocal.Builder> builder;
    private volatile List<String> streams = List.of();
    /** The endpoint started last, for {@link #local()}. */
    private volatile FirehoseLocal current;

    /**
     * An extension whose endpoints have the defaults of {@link FirehoseLocal#builder()}: a free
     * port, a new temporary data directory, no faults, no quota.
     */
    public FirehoseLocalExtension() {
        this(FirehoseLocal::builder);
    }

    /**
     * An extension whose endpoints are built by the builders {@code builder} supplies.
     *
     * @param builder called once per endpoint started, e.g.
     *                {@code () -> FirehoseLocal.builder().seed(42)}; each builder it returns is built
     *                once
     * @throws NullPointerException if {@code builder} is {@code null}
     */
    public FirehoseLocalExtension(Supplier<FirehoseLocal.Builder> builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * Streams created (with {@link FirehoseLocal#createDeliveryStream}) on every endpoint started
     * from now on. Replaces the streams given before.
     *
     * @param names stream names, each valid for Firehose; an endpoint fails to start (and the test
     *              with it) if one is not
     * @return this extension
     * @throws NullPointerException if {@code names} is or holds {@code null}
     */
    public FirehoseLocalExtension withStreams(String... names) {
        this.streams = List.of(names);
        return this;
    }

    /**
     * The running endpoint, for code that cannot take it as a parameter (a field initializer, a
     * helper).
     *
     * @return the endpoint started last, when several run
     * @throws IllegalStateException if no endpoint was started yet, i.e. outside a test
     */
    public FirehoseLocal local() {
        FirehoseLocal l = current;
        if (l == null) {
            throw new IllegalStateException("FirehoseLocal is not running: it runs inside tests only");
        }
        return l;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        store(context).put(KEY, new Running(startNew()));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Registered on an instance field (no beforeAll): one endpoint for this test only.
        if (store(context).get(KEY, Running.class) == null) {
            store(context).put(KEY, new Running(startNew()));
        }
    }

    /** This extension's store: lookups also search the enclosing contexts, so a test finds its class's endpoint. */
    private ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(FirehoseLocalExtension.class, this));
    }

    private FirehoseLocal startNew() {
        FirehoseLocal l = builder.get().build().start();
        try {
            for (String s : streams) {
                l.createDeliveryStream(s);
            }
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        current = l;
        return l;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == FirehoseLocal.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running running = store(extensionContext).get(KEY, Running.class);
        return running != null ? running.local : local();
    }

    /** Closes the endpoint (delivering its buffers) when the context that started it ends. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final FirehoseLocal local;

        Running(FirehoseLocal local) {
            this.local = local;
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
