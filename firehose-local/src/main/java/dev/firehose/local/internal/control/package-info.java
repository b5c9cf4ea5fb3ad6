/** The control plane: creating, describing, listing and deleting delivery streams. */
package dev.firehose.local.internal.control;
