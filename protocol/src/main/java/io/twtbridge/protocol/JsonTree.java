package io.twtbridge.protocol;

import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object read with bounded work and no exception: the streaming parser is driven here, iteratively, with
 * a nesting limit of our own, and number literals are converted only when they are at most 9 plain digits (the
 * protocol's one number member is a poll's duration; converting {@code 1e9999999999} or a literal of a million
 * digits is where the library's tree reader throws or spends unbounded time). Duplicate member names: the last one wins, as
 * with the library's reader. Content after the root object is ignored, as the library's reader did.
 */
final class JsonTree {
    /** Deepest nesting read (the request schema needs 5: object, posts array, post object, media array, media object). */
    static final int MAX_DEPTH = 32;

    private JsonTree() {}

    /** One JSON value. */
    sealed interface Node permits Str, Obj, Arr, Scalar, Int {}

    /** A number literal of 1 to {@value #MAX_INT_DIGITS} plain digits (e.g. a poll's duration); other numbers are {@link Scalar#NUMBER}. */
    record Int(int value) implements Node {}

    /** Longest number literal read as an {@link Int}: converting it is bounded, and it fits an int. */
    static final int MAX_INT_DIGITS = 9;

    record Str(String value) implements Node {}

    record Obj(Map<String, Node> members) implements Node {
        /** The member, or empty when absent or {@code null}. */
        Optional<Node> get(String name) {
            Node n = members.get(name);
            return n == null || n == Scalar.NULL ? Optional.empty() : Optional.of(n);
        }
    }

    record Arr(List<Node> items) implements Node {}

    /** Numbers (never converted), booleans and null. */
    enum Scalar implements Node {
        NUMBER,
        TRUE,
        FALSE,
        NULL
    }

    /** What reading gave. */
    sealed interface Result {
        /** The root object. */
        record Ok(Obj root) implements Result {}

        /** Not JSON, or JSON but not an object. */
        record Invalid() implements Result {}

        /**
         * Refused by a limit or by an unexpected failure of the library, after reading {@code partialRoot}'s
         * members so far (the id and command may be among them).
         */
        record Refused(Obj partialRoot, String detail) implements Result {}
    }

    /** Reads one JSON object from the text. Never throws (short of an Error). */
    static Result read(String text) {
        Obj root = new Obj(new LinkedHashMap<>());
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = JsonQueueFormat.JSON.createParser(new StringReader(text))) {
            if (!p.hasNext() || p.next() != JsonParser.Event.START_OBJECT) {
                return new Result.Invalid();
            }
            stack.push(new Frame(root));
            while (!stack.isEmpty()) {
                Frame top = stack.peek();
                JsonParser.Event event = p.next();
                switch (event) {
                    case KEY_NAME -> top.key = p.getString();
                    case VALUE_STRING -> top.add(new Str(p.getString()));
                    case VALUE_NUMBER -> top.add(number(p.getString()));
                    case VALUE_TRUE -> top.add(Scalar.TRUE);
                    case VALUE_FALSE -> top.add(Scalar.FALSE);
                    case VALUE_NULL -> top.add(Scalar.NULL);
                    case START_OBJECT, START_ARRAY -> {
                        if (stack.size() >= MAX_DEPTH) {
                            return new Result.Refused(
                                    root, "the message is nested deeper than " + MAX_DEPTH + " levels");
                        }
                        Frame f = event == JsonParser.Event.START_OBJECT
                                ? new Frame(new Obj(new LinkedHashMap<>()))
                                : new Frame(new Arr(new ArrayList<>()));
                        top.add(f.node);
                        stack.push(f);
                    }
                    case END_OBJECT, END_ARRAY -> stack.pop();
                }
            }
            return new Result.Ok(root);
        } catch (JsonException e) {
            return new Result.Invalid();
        } catch (RuntimeException e) {
            // Anything else the library raises on hostile input: refused, answerable when the id was read.
            return new Result.Refused(root, "the message could not be read as JSON");
        }
    }

    /** A short literal of plain digits as an {@link Int}; anything else is never converted. */
    private static Node number(String literal) {
        if (literal.isEmpty() || literal.length() > MAX_INT_DIGITS) {
            return Scalar.NUMBER;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c < '0' || c > '9') {
                return Scalar.NUMBER;
            }
        }
        return new Int(Integer.parseInt(literal));
    }

    /** An open object or array. */
    private static final class Frame {
        final Node node;
        String key;

        Frame(Node node) {
            this.node = node;
        }

        void add(Node value) {
            switch (node) {
                case Obj o -> o.members().put(key, value);
                case Arr a -> a.items().add(value);
                default -> throw new IllegalStateException("not a container");
            }
        }
    }
}
