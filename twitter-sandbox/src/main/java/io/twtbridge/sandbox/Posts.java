package io.twtbridge.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every post the sandbox accepted, oldest first, which of them were deleted, and each user's texts (for duplicates). */
public final class Posts {
    private final List<Post> posts = new ArrayList<>();
    private final Map<String, Set<String>> textsByUser = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();

    /** Every post so far, oldest first (deleted ones too: see {@link #isDeleted}). */
    public synchronized List<Post> all() {
        return List.copyOf(posts);
    }

    /** Whether this post was deleted. */
    public synchronized boolean isDeleted(String tweetId) {
        return deleted.contains(tweetId);
    }

    /** Whether a post with this id was ever made (deleted or not). */
    synchronized boolean exists(String tweetId) {
        return posts.stream().anyMatch(p -> p.id().equals(tweetId));
    }

    /** Whether this user has a live post with exactly this text (X refuses it as a duplicate). */
    synchronized boolean isDuplicate(String userId, String text) {
        return !text.isEmpty() && textsByUser.getOrDefault(userId, Set.of()).contains(text);
    }

    synchronized Post add(Post p) {
        posts.add(p);
        textsByUser.computeIfAbsent(p.authorId(), k -> new HashSet<>()).add(p.text());
        return p;
    }

    /** What a delete did. */
    enum Deletion {
        DELETED,
        NOT_FOUND,
        NOT_OWNER
    }

    /** Deletes a live post of this user; like X, a deleted post is then unknown (not found). */
    synchronized Deletion delete(String tweetId, String userId) {
        Optional<Post> p = posts.stream().filter(x -> x.id().equals(tweetId)).findFirst();
        if (p.isEmpty() || deleted.contains(tweetId)) {
            return Deletion.NOT_FOUND;
        }
        if (!p.get().authorId().equals(userId)) {
            return Deletion.NOT_OWNER;
        }
        deleted.add(tweetId);
        Set<String> texts = textsByUser.get(userId);
        if (texts != null) {
            texts.remove(p.get().text());
        }
        return Deletion.DELETED;
    }

    synchronized void reset() {
        posts.clear();
        textsByUser.clear();
        deleted.clear();
    }
}
