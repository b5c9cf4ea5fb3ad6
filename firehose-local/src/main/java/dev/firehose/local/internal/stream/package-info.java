/**
 * The delivery streams: their configuration, the registry by name with per-name faults and quotas,
 * and the mutable state of each stream (fault generator, quota buckets, delivery buffer).
 */
package dev.firehose.local.internal.stream;
