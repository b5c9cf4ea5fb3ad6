/** The public API of the Firehose producer. */
package dev.firehose.producer;
