/** The ledger: what the endpoint received and stored, per stream. */
package dev.firehose.local.internal.ledger;
