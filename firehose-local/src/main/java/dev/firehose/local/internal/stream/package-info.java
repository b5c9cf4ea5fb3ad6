/**
 * The delivery streams: their configuration, the registry by name with per-name faults and quotas,
 * the mutable state of each stream (fault generator, quota buckets, delivery buffer) and its
 * control-plane state (source, tags, encryption).
 */
package dev.firehose.local.internal.stream;
