package dev.firehose.local.internal.protocol;

import java.util.List;

/**
 * A parsed PutRecord or PutRecordBatch request.
 *
 * @param streamName the DeliveryStreamName, or {@code null} when absent
 * @param sizes      the decoded size of each record in request order, {@code -1} for a record
 *                   without Data; {@code null} when Records (or Record) was absent
 * @param data       the decoded records (parallel to {@code sizes}, an element null when its Data
 *                   was absent), or {@code null} when the bytes were not kept (sink mode)
 * @param dataBytes  the sum of the decoded record sizes
 */
public record PutInput(String streamName, int[] sizes, List<byte[]> data, long dataBytes) {

    public int size() {
        return sizes == null ? 0 : sizes.length;
    }
}
