package dev.crateforge.localstack;

/**
 * Where the local S3 server listens and the fixed credentials it accepts. Clients must use
 * path-style access ({@code http://host:port/bucket/key}); the region is only part of the
 * signature.
 */
public record S3Address(
        String endpoint, String accessKeyId, String secretAccessKey, String region) {}
