package dev.firehose.local.internal.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The service's input constraints and the validation messages it gives when they are broken
 * ("1 validation error detected: Value ... at 'records.97.member.data' failed to satisfy
 * constraint: ..."). Member indices in paths are 1-based, as the service reports them.
 */
public final class Limits {

    public static final int MAX_RECORDS_PER_BATCH = 500;
    public static final int MAX_RECORD_BYTES = 1_024_000;
    /** 4 MiB of decoded record data per PutRecordBatch request. */
    public static final long MAX_REQUEST_DATA_BYTES = 4L * 1024 * 1024;
    public static final int MAX_STREAM_NAME_LENGTH = 64;
    public static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    public static final int MAX_STREAMS = 5_000;

    private Limits() {
    }

    /** Adds the problems of a DeliveryStreamName value to {@code problems}. */
    public static void checkStreamName(String name, String path, List<String> problems) {
        if (name == null) {
            problems.add("Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
            return;
        }
        if (name.isEmpty()) {
            problems.add(value(name, path) + "Member must have length greater than or equal to 1");
        }
        if (name.length() > MAX_STREAM_NAME_LENGTH) {
            problems.add(value(name, path) + "Member must have length less than or equal to " + MAX_STREAM_NAME_LENGTH);
        }
        if (!validNameChars(name)) {
            problems.add(value(name, path) + "Member must satisfy regular expression pattern: " + STREAM_NAME.pattern());
        }
    }

    /** The validation problems of a PutRecord ({@code batch == false}) or PutRecordBatch request. */
    public static List<String> checkPut(PutInput in, boolean batch) {
        List<String> problems = new ArrayList<>(2);
        checkStreamName(in.streamName(), "deliveryStreamName", problems);
        int[] sizes = in.sizes();
        if (batch) {
            if (sizes == null) {
                problems.add("Value null at 'records' failed to satisfy constraint: Member must not be null");
            } else if (sizes.length == 0) {
                problems.add("Value '[]' at 'records' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 1");
            } else if (sizes.length > MAX_RECORDS_PER_BATCH) {
                problems.add("Value '[" + sizes.length + " records]' at 'records' failed to satisfy constraint: "
                        + "Member must have length less than or equal to " + MAX_RECORDS_PER_BATCH);
            }
        } else if (sizes == null) {
            problems.add("Value null at 'record' failed to satisfy constraint: Member must not be null");
        }
        if (sizes != null) {
            for (int i = 0; i < sizes.length; i++) {
                int size = sizes[i];
                if (size >= 0 && size <= MAX_RECORD_BYTES) {
                    continue;
                }
                String path = batch ? "records." + (i + 1) + ".member.data" : "record.data";
                if (size < 0) {
                    problems.add("Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
                } else {
                    problems.add("Value 'java.nio.HeapByteBuffer[pos=0 lim=" + size + " cap=" + size + "]' at '"
                            + path + "' failed to satisfy constraint: Member must have length less than or equal to "
                            + MAX_RECORD_BYTES);
                }
            }
        }
        return problems;
    }

    /** Same as matching {@link #STREAM_NAME}, without a regex on the hot path. */
    private static boolean validNameChars(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String value(String v, String path) {
        return "Value '" + v + "' at '" + path + "' failed to satisfy constraint: ";
    }
}
