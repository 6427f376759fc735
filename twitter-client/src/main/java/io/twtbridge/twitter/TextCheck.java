package io.twtbridge.twitter;

import com.twitter.twittertext.TwitterTextParseResults;
import com.twitter.twittertext.TwitterTextParser;

import java.text.Normalizer;

/** X's own counting of a post's text (twitter-text): 280 weighted characters, URLs 23, CJK and emoji 2, NFC. */
public final class TextCheck {
    /** X's limit in weighted characters. */
    public static final int MAX_WEIGHTED = 280;

    private TextCheck() {
    }

    /** The text as X will count and store it (NFC). */
    public static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    /** The weighted length X counts for this text. */
    public static int weightedLength(String text) {
        TwitterTextParseResults r = TwitterTextParser.parseTweet(normalize(text));
        return r.weightedLength;
    }
}
