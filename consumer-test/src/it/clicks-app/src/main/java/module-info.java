/**
 * The application's module: it compiles only if the library jars declare the module names the
 * README gives.
 */
module com.example.clicks {
    requires dev.firehose.producer;
    requires dev.firehose.producer.metrics;
    requires micrometer.core;
    requires software.amazon.awssdk.services.firehose;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.identity.spi;

    exports com.example.clicks;
}
