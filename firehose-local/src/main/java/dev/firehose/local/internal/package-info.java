/**
 * The implementation of firehose-local; not an API: it may change in any release. The HTTP server
 * ({@link dev.firehose.local.internal.HttpEndpoint}) hands Firehose calls to
 * {@link dev.firehose.local.internal.FirehoseApi}, which splits them between the control plane
 * (streams) and the data plane (puts: parse, validate, faults, quota, ledger, delivery buffer).
 */
package dev.firehose.local.internal;
