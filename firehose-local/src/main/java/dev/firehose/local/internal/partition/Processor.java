package dev.firehose.local.internal.partition;

import java.util.List;

/**
 * One entry of {@code ProcessingConfiguration.Processors} as given, kept to be described back.
 *
 * @param type       the ProcessorType
 * @param parameters its parameters, in the order given
 */
public record Processor(String type, List<Parameter> parameters) {

    public Processor {
        parameters = List.copyOf(parameters);
    }

    /** One ProcessorParameter. */
    public record Parameter(String name, String value) {
    }
}
