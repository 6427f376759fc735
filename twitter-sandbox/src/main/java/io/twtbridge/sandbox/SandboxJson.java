package io.twtbridge.sandbox;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Small JSON helpers for the sandbox's handlers. */
final class SandboxJson {
    /** Looked up once: Json.createX() would search the class path on every call. */
    static final JsonProvider JSON = JsonProvider.provider();

    private SandboxJson() {}

    static Optional<JsonObject> object(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try (JsonReader r = JSON.createReader(new ByteArrayInputStream(body))) {
            JsonValue v = r.readValue();
            return v.getValueType() == JsonValue.ValueType.OBJECT ? Optional.of(v.asJsonObject()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Sends a JSON answer; {@code application/problem+json} for an error status, as X does. */
    static void send(ServerResponse res, Status status, String body) {
        String type = status.code() >= 400 ? "application/problem+json" : "application/json";
        res.status(status)
                .header(HeaderNames.CONTENT_TYPE, type + "; charset=utf-8")
                .send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** X's success body: {@code {"data": …}}. */
    static String data(JsonObjectBuilder data) {
        return JSON.createObjectBuilder().add("data", data).build().toString();
    }

    /** X's problem+json body. */
    static String problem(String title, int status, String detail, String type) {
        return JSON.createObjectBuilder()
                .add("title", title)
                .add("detail", detail)
                .add("type", type)
                .add("status", status)
                .build()
                .toString();
    }

    /** X's invalid-request body: the older {@code errors} array plus the problem fields. */
    static String invalidRequest(String parameter, String value, String message) {
        return JSON.createObjectBuilder()
                .add(
                        "errors",
                        JSON.createArrayBuilder()
                                .add(JSON.createObjectBuilder()
                                        .add(
                                                "parameters",
                                                JSON.createObjectBuilder()
                                                        .add(
                                                                parameter,
                                                                JSON.createArrayBuilder()
                                                                        .add(value)))
                                        .add("message", message)))
                .add("title", "Invalid Request")
                .add("detail", "One or more parameters to your request was invalid.")
                .add("type", "https://api.twitter.com/2/problems/invalid-request")
                .build()
                .toString();
    }
}
