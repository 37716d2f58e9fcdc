/** Kafka serializers that write protocol records with the protocol's own codec. */
package dev.crateforge.messaging.serde;
