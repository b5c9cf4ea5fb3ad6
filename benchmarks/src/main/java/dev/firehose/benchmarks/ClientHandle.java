package dev.firehose.benchmarks;

/**
 * An SDK service client and the HTTP client under it, closed together (the SDK does not close an
 * HTTP client that was passed to its builder).
 *
 * @param client the service client
 * @param http what to close after it, may be a no-op
 * @param httpLabel which HTTP client it runs on, for the table
 */
record ClientHandle<T extends AutoCloseable>(T client, AutoCloseable http, String httpLabel) implements AutoCloseable {

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the service client failed", e);
        } finally {
            try {
                http.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the HTTP client failed", e);
            }
        }
    }
}
