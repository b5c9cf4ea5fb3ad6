package dev.firehose.benchmarks;

import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Where the contenders of a scenario send: one delivery stream that accepts everything. */
interface Endpoint extends AutoCloseable {

    /** A short name for the tables: {@code firehose-local} or {@code in-process}. */
    String name();

    /** The delivery stream every contender sends to. */
    String streamName();

    /** Whether requests cross a socket (so that the HTTP client matters). */
    boolean usesNetwork();

    /**
     * An async client on the given HTTP client, allowing {@code concurrency} requests at once, with
     * {@code counter} watching every request. The in-process endpoint ignores {@code kind}.
     */
    ClientHandle<FirehoseAsyncClient> asyncClient(HttpClientKind kind, int concurrency, RequestCounter counter);

    /** A sync client on the given HTTP client with {@code connections} connections; see {@link #asyncClient}. */
    ClientHandle<FirehoseClient> syncClient(HttpClientKind kind, int connections, RequestCounter counter);

    @Override
    void close();
}
