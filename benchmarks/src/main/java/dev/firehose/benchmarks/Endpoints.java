package dev.firehose.benchmarks;

/** Builds an endpoint by its name on the command line. */
final class Endpoints {

    private Endpoints() {
    }

    static Endpoint create(String name) {
        return switch (name) {
            case "in-process" -> new InProcessEndpoint();
            case "firehose-local" -> LocalEndpoint.start();
            default -> throw new IllegalArgumentException("unknown endpoint " + name);
        };
    }
}
