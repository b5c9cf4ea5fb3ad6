/**
 * A Testcontainers module for firehose-local: {@link dev.firehose.local.testcontainers.FirehoseLocalContainer}
 * runs the image of the executable jar and tells AWS SDK clients where to find it.
 */
package dev.firehose.local.testcontainers;
