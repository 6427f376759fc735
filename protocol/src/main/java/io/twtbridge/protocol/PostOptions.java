package io.twtbridge.protocol;

/**
 * What a JSON post may ask beyond text, media and a reply-to id (the legacy format carries none of it).
 *
 * @param longPost whether the post may be up to {@link Limits#MAX_LONG_POST_WEIGHTED} weighted characters (X decides
 *                 whether the user may post long); {@code false} keeps X's 280
 */
public record PostOptions(boolean longPost) {
    /** Nothing asked: a plain post. */
    public static final PostOptions NONE = new PostOptions(false);
}
