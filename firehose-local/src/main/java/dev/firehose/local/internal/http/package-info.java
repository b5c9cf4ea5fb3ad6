/**
 * The HTTP/1.1 server: routes each request by path and target to the Firehose, CloudWatch or admin
 * API.
 */
package dev.firehose.local.internal.http;
