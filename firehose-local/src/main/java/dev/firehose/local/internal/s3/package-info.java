/**
 * The S3 REST API over the delivered objects, path-style ({@code /bucket/key}): ListBuckets,
 * HeadBucket, GetBucketLocation, ListObjectsV2, ListObjects, GetObject (with {@code Range}),
 * HeadObject and PutObject, with S3's XML shapes and errors, so that S3 clients read what the
 * streams delivered. The objects are the files of the data directory,
 * {@code <dataDirectory>/<bucket>/<key>}.
 */
package dev.firehose.local.internal.s3;
