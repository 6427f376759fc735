package io.twtbridge.sandbox;

/** A sandbox user with an access token, as {@link Users#create(String)} hands it out. */
public record UserTokens(String userId, String screenName, String accessToken, String accessTokenSecret) {
    @Override
    public String toString() {
        return "UserTokens[" + screenName + "]";
    }
}
