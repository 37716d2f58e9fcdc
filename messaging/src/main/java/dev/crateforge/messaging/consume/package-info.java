/**
 * What every service does with an incoming record: decode it strictly, dead-letter it only when it
 * can never be processed, and wait out a database or broker outage instead of committing or
 * dead-lettering it ({@link dev.crateforge.messaging.consume.RecordProcessing}). Settings: {@code
 * crateforge.consumer-retry.*}; metric {@code crateforge_consumer_retries_total{channel}}.
 */
package dev.crateforge.messaging.consume;
