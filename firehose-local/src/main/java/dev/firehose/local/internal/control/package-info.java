/**
 * The control plane: creating, describing, listing, updating and deleting delivery streams, their
 * tags and their encryption, and the refusal, by name, of every request member firehose-local does
 * not implement.
 */
package dev.firehose.local.internal.control;
