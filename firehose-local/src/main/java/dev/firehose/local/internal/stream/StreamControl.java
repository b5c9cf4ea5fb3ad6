package dev.firehose.local.internal.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The control-plane state of one stream beyond its delivery configuration: its source, its tags,
 * its encryption, the destination configuration as last created or updated (the base that
 * UpdateDestination merges into) and when it was last updated. Thread-safe: every method
 * synchronizes on this object; {@link #source()} is immutable.
 */
public final class StreamControl {

    private final StreamSource source;
    private final TreeMap<String, String> tags = new TreeMap<>();
    private final Deque<Instant> encryptionCalls = new ArrayDeque<>();
    private Encryption encryption;
    private ObjectNode destination;
    private Instant lastUpdate;

    /**
     * @param source      where records come from
     * @param destination the destination configuration as given (copied), or {@code null} for a stream
     *                    created through the Java API
     * @param encryption  the encryption set at creation
     */
    public StreamControl(StreamSource source, ObjectNode destination, Encryption encryption) {
        this.source = source;
        this.destination = destination == null ? null : destination.deepCopy();
        this.encryption = encryption;
    }

    /** A DirectPut stream without tags, encryption or a recorded destination JSON. */
    public static StreamControl directPut() {
        return new StreamControl(StreamSource.directPut(), null, Encryption.DISABLED);
    }

    public StreamSource source() {
        return source;
    }

    // ---- tags ------------------------------------------------------------------------------

    /** The tags, sorted by key (a copy). */
    public synchronized SortedMap<String, String> tags() {
        return new TreeMap<>(tags);
    }

    /** How many tags there would be after adding {@code added}. */
    public synchronized int tagCountWith(Map<String, String> added) {
        int n = tags.size();
        for (String k : added.keySet()) {
            if (!tags.containsKey(k)) {
                n++;
            }
        }
        return n;
    }

    /** Adds or replaces tags. */
    public synchronized void putTags(Map<String, String> added) {
        tags.putAll(added);
    }

    /** Removes the tags with these keys; absent keys are ignored. */
    public synchronized void removeTags(Iterable<String> keys) {
        keys.forEach(tags::remove);
    }

    // ---- encryption ------------------------------------------------------------------------

    public synchronized Encryption encryption() {
        return encryption;
    }

    public synchronized void encryption(Encryption e) {
        encryption = e;
    }

    /**
     * Counts one Start/StopDeliveryStreamEncryption call at {@code now}; returns false (and counts
     * nothing) when {@code limit} calls were already made within {@code window} before it.
     */
    public synchronized boolean countEncryptionCall(Instant now, int limit, Duration window) {
        while (!encryptionCalls.isEmpty() && !encryptionCalls.peekFirst().isAfter(now.minus(window))) {
            encryptionCalls.removeFirst();
        }
        if (encryptionCalls.size() >= limit) {
            return false;
        }
        encryptionCalls.addLast(now);
        return true;
    }

    // ---- destination and updates ----------------------------------------------------------

    /** The destination configuration as last created or updated (a copy), or {@code null}. */
    public synchronized ObjectNode destination() {
        return destination == null ? null : destination.deepCopy();
    }

    /** Records an applied UpdateDestination. */
    public synchronized void updated(ObjectNode merged, Instant at) {
        destination = merged.deepCopy();
        lastUpdate = at;
    }

    /** When UpdateDestination last changed the stream, or {@code null}. */
    public synchronized Instant lastUpdate() {
        return lastUpdate;
    }
}
