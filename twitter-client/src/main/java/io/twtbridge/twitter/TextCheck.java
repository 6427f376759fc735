package io.twtbridge.twitter;

import com.twitter.twittertext.Extractor;
import com.twitter.twittertext.TldLists;
import com.twitter.twittertext.TwitterTextConfiguration;
import com.twitter.twittertext.TwitterTextEmojiRegex;
import com.twitter.twittertext.TwitterTextParser;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * X's counting of a post's text: 280 weighted characters, URLs 23, CJK and emoji 2, after NFC — twitter-text's
 * weighting and configuration, computed in bounded time.
 *
 * <p>twitter-text's {@code parseTweet} is quadratic on some texts (its URL regex backtracks over every label of
 * {@code a.a.a.…} from every start position, trying some 1,500 TLDs at each: 4,000 such characters take ~13 s) and
 * runs its emoji regex at every position. Here the same weighting is done in one pass, and twitter-text's own URL
 * extractor runs only where a URL can be:
 * <ul>
 *   <li>URLs and emoji never contain whitespace, so the text is cut into pieces at whitespace, and each piece is
 *       handed over with the character before it (the URL pattern's "preceding character"), so it has the URLs it
 *       has in the whole text: the count is additive over pieces;</li>
 *   <li>a URL's domain ends in a label ending in a letter or digit, then a TLD followed by a character outside
 *       {@code [a-z0-9@+-]}: a piece without such an {@code x.tld} has no URL and never reaches the extractor; one
 *       with them is handed over up to its last {@code .tld} (or whole, when a path, port or query may follow);</li>
 *   <li>what reaches the extractor is cut before a dot that makes a run of labels (dots with only domain
 *       characters between them) longer than {@value #MAX_LABELS_PER_CALL}, which bounds its backtracking. Only such
 *       a run can count differently from twitter-text: a URL with that many labels in a row is counted as several
 *       parts (more characters, so a post may be refused that X would take; fewer only when twitter-text would have
 *       rejected the whole run as one URL over 4,096 characters or with an invalid label — X then decides);</li>
 *   <li>emoji are matched with twitter-text's emoji regex only on runs of characters that can be in an emoji
 *       (non-ASCII but for letters of alphabetic and CJK scripts, and keycaps).</li>
 * </ul>
 * The test {@code TextCheckTest} checks the count against {@code TwitterTextParser.parseTweet} on generated texts.
 *
 * <p>No length bound can refuse text before counting: a URL of up to 4,096 characters counts 23, so 11 URLs of
 * 4,000 characters (44,000 characters) are a valid post — more than the 25,000 characters a message may carry.
 * Counting is made fast for every text instead: 25,000 characters take a few milliseconds, tens of milliseconds when
 * the text is thousands of short URLs (twitter-text's URL pattern itself costs ~10 µs per URL).
 */
public final class TextCheck {
    /** X's limit in weighted characters. */
    public static final int MAX_WEIGHTED = 280;
    /** Longest run of dot-separated labels handed to twitter-text's URL extractor at once. */
    static final int MAX_LABELS_PER_CALL = 24;

    /** Stateless once built (as TwitterTextParser's own). */
    private static final Extractor EXTRACTOR = new Extractor();

    private static final TwitterTextConfiguration CONFIG = TwitterTextParser.TWITTER_TEXT_DEFAULT_CONFIG;
    private static final int SCALE = CONFIG.getScale();
    private static final int DEFAULT_WEIGHT = CONFIG.getDefaultWeight();
    private static final int URL_WEIGHT = CONFIG.getTransformedURLLength() * SCALE;
    private static final int[][] RANGES = CONFIG.getRanges().stream()
            .map(r -> new int[] {r.getRange().start, r.getRange().end, r.getWeight()})
            .toArray(int[][]::new);
    private static final Set<String> ASCII_TLDS = new HashSet<>();
    /** TLDs with non-ASCII characters, by their first character. */
    private static final Map<Character, List<String>> OTHER_TLDS = new HashMap<>();

    private static final int MAX_TLD_CHARS;

    static {
        int max = 0;
        for (List<String> list : List.of(TldLists.GTLDS, TldLists.CTLDS)) {
            for (String tld : list) {
                max = Math.max(max, tld.length());
                if (tld.chars().allMatch(c -> c < 0x80)) {
                    ASCII_TLDS.add(tld.toLowerCase(Locale.ROOT));
                } else {
                    OTHER_TLDS
                            .computeIfAbsent(Character.toLowerCase(tld.charAt(0)), k -> new ArrayList<>())
                            .add(tld);
                }
            }
        }
        MAX_TLD_CHARS = max;
    }

    private TextCheck() {}

    /** The text as X will count and store it (NFC). */
    public static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    /** The weighted length X counts for this text. Linear in the text's length but for pathological dot runs, which are bounded. */
    public static int weightedLength(String text) {
        String s = normalize(text);
        if (s.trim().isEmpty()) {
            return 0; // as twitter-text
        }
        int n = s.length();
        int[] urlEnd = new int[n]; // > 0 at a URL's start: its end
        int[] emojiEnd = new int[n]; // > 0 at an emoji's start: its end
        markUrls(s, urlEnd);
        markEmoji(s, emojiEnd);
        long weighted = 0;
        int i = 0;
        while (i < n) {
            if (urlEnd[i] > 0) {
                weighted += URL_WEIGHT;
                i = urlEnd[i];
            } else if (emojiEnd[i] > 0) {
                weighted += DEFAULT_WEIGHT;
                i = emojiEnd[i];
            } else {
                int cp = s.codePointAt(i);
                weighted += weight(cp);
                i += Character.charCount(cp);
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, weighted / SCALE);
    }

    private static int weight(int cp) {
        int w = DEFAULT_WEIGHT;
        for (int[] r : RANGES) {
            if (cp >= r[0] && cp <= r[1]) {
                w = r[2];
            }
        }
        return w;
    }

    /** Whitespace as twitter-text's URL and emoji patterns see it (neither ever contains one), and control characters. */
    static boolean isSpace(char c) {
        return c <= 0x20
                || c == 0x85
                || c == 0xA0
                || c == 0x1680
                || c == 0x180E
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    // ---- URLs ----

    private static void markUrls(String s, int[] urlEnd) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                piece(s, start, i, urlEnd);
            }
        }
    }

    /** The URLs of one whitespace-free piece {@code [start, end)}. */
    private static void piece(String s, int start, int end, int[] urlEnd) {
        int lastTldEnd = -1;
        boolean continues = false;
        for (int d = start; d < end; d++) {
            // A domain's last label before its TLD ends in a letter or digit (not '-', '_' or another dot).
            if (s.charAt(d) == '.' && d > start && Character.isLetterOrDigit(s.codePointBefore(d))) {
                int tldEnd = tldEnd(s, d + 1, end);
                if (tldEnd > 0) {
                    lastTldEnd = tldEnd;
                    if (tldEnd < end
                            && (s.charAt(tldEnd) == '/' || s.charAt(tldEnd) == ':' || s.charAt(tldEnd) == '?')) {
                        continues = true;
                    }
                }
            }
        }
        if (lastTldEnd < 0) {
            return; // no .tld: no URL
        }
        int to = continues ? end : lastTldEnd;
        // Cut before the dot that makes a run of labels (dots with only domain characters between them) longer
        // than MAX_LABELS_PER_CALL: bounds the extractor's backtracking. The cut keeps the dot with what follows,
        // so a URL after it has the same preceding character as in the whole text.
        int from = start;
        int run = 0;
        for (int j = start; j < to; j++) {
            char c = s.charAt(j);
            if (c == '.') {
                if (++run > MAX_LABELS_PER_CALL && j > from) {
                    extract(s, from, j, urlEnd);
                    from = j;
                    run = 1;
                }
            } else if (!isDomainChar(c)) {
                run = 0;
            }
        }
        if (from < to) {
            extract(s, from, to, urlEnd);
        }
    }

    /** Characters of a domain label in twitter-text's URL pattern (a superset: letters, digits, marks, '-', '_'). */
    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c)
                || c == '-'
                || c == '_'
                || Character.getType(c) == Character.NON_SPACING_MARK
                || Character.getType(c) == Character.COMBINING_SPACING_MARK
                || Character.isSurrogate(c);
    }

    /**
     * twitter-text's URLs in {@code [from, to)}. The character before {@code from} is handed over too: the URL
     * pattern's "preceding character" group would otherwise take the piece's first character at the start of the
     * text it is given, where in the whole text it takes that one.
     */
    private static void extract(String s, int from, int to, int[] urlEnd) {
        int base = from > 0 ? from - 1 : 0;
        for (Extractor.Entity e : EXTRACTOR.extractURLsWithIndices(s.substring(base, to))) {
            if (base + e.getStart() >= from) {
                urlEnd[base + e.getStart()] = base + e.getEnd();
            }
        }
    }

    /**
     * Where a TLD that twitter-text's URL pattern accepts ends, if one starts at {@code at} (just after a dot): a
     * listed TLD followed by a character outside {@code [a-z0-9@+-]} (or the end), or punycode {@code xn--}. Else -1.
     */
    static int tldEnd(String s, int at, int end) {
        if (at >= end) {
            return -1;
        }
        if (s.charAt(at) < 0x80) {
            int j = at;
            while (j < end && j - at <= MAX_TLD_CHARS && isTldRunChar(s.charAt(j))) {
                j++;
            }
            String run = s.substring(at, j).toLowerCase(Locale.ROOT);
            if (run.startsWith("xn--")) {
                return j;
            }
            boolean bounded = j == end || !isTldRunChar(s.charAt(j));
            return bounded && ASCII_TLDS.contains(run) ? j : -1;
        }
        for (String tld : OTHER_TLDS.getOrDefault(Character.toLowerCase(s.charAt(at)), List.of())) {
            int j = at + tld.length();
            if (j <= end
                    && s.regionMatches(true, at, tld, 0, tld.length())
                    && (j == end || !isTldRunChar(s.charAt(j)))) {
                return j;
            }
        }
        return -1;
    }

    private static boolean isTldRunChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '@'
                || c == '+'
                || c == '-';
    }

    // ---- Emoji ----

    private static void markEmoji(String s, int[] emojiEnd) {
        Matcher m = TwitterTextEmojiRegex.VALID_EMOJI_PATTERN
                .matcher(s)
                .useTransparentBounds(true)
                .useAnchoringBounds(false);
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && !mayBeEmoji(s, i)) {
                i++;
            }
            int start = i;
            while (i < n && mayBeEmoji(s, i)) {
                i++;
            }
            if (i > start) {
                m.region(start, i);
                while (m.find()) {
                    emojiEnd[m.start()] = m.end();
                }
            }
        }
    }

    /**
     * Whether the character at {@code i} can be part of an emoji sequence: a keycap's base, or non-ASCII but for letters of the
     * alphabetic and CJK blocks (Latin to Arabic below U+2000; kana, CJK and Hangul from U+3040 to U+D7FF), which are
     * never in one.
     */
    private static boolean mayBeEmoji(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            // A keycap: # * or a digit, then U+FE0F or U+20E3.
            boolean base = c == '#' || c == '*' || (c >= '0' && c <= '9');
            return base && i + 1 < s.length() && (s.charAt(i + 1) == '\uFE0F' || s.charAt(i + 1) == '\u20E3');
        }
        boolean alphabetic = c < 0x2000 || (c >= 0x3040 && c <= 0xD7FF);
        return !(alphabetic && Character.isLetter(c));
    }
}
