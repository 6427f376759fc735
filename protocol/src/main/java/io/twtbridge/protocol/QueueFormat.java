package io.twtbridge.protocol;

/**
 * A format of the queue channel: how requests arrive on {@code twt} and how replies are written.
 * The AMQP content type selects it: {@code application/json} is {@link JsonQueueFormat}, anything else
 * (the main server sends none) is {@link LegacyQueueFormat}.
 */
public sealed interface QueueFormat permits LegacyQueueFormat, JsonQueueFormat {

    /** The AMQP content type that selects the JSON format. */
    String JSON_CONTENT_TYPE = "application/json";

    /** Decodes a request body. Never throws. */
    Decoded decode(byte[] body);

    /** Encodes a request, as a client would send it. */
    byte[] encodeRequest(Request request);

    /** Encodes the one reply to the request with this id and command. */
    byte[] encodeReply(String id, Command command, Outcome outcome);

    /** The content type replies carry, or {@code null} for none. */
    String contentType();

    /** The format a message with this AMQP content type (possibly {@code null}) is in. */
    static QueueFormat forContentType(String contentType) {
        if (contentType != null) {
            String base = contentType.split(";", 2)[0].trim();
            if (base.equalsIgnoreCase(JSON_CONTENT_TYPE)) {
                return JsonQueueFormat.INSTANCE;
            }
        }
        return LegacyQueueFormat.INSTANCE;
    }
}
