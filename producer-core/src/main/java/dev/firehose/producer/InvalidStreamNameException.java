package dev.firehose.producer;

/** Thrown for a delivery stream name that Firehose would reject: it must be 1-64 characters of [a-zA-Z0-9_.-]. */
public class InvalidStreamNameException extends FirehoseProducerException {

    /** The rule a delivery stream name must follow. */
    public static final String RULE = "1-64 characters of [a-zA-Z0-9_.-]";

    /** The rejected name. */
    private final String name;

    /**
     * Creates the exception.
     *
     * @param name the rejected name
     */
    public InvalidStreamNameException(String name) {
        super("invalid delivery stream name '" + name + "': a name must be " + RULE);
        this.name = name;
    }

    /** @return the rejected name */
    public String name() {
        return name;
    }
}
