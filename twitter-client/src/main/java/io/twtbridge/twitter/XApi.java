package io.twtbridge.twitter;

import com.github.scribejava.core.builder.api.DefaultApi10a;
import com.github.scribejava.core.extractors.BaseStringExtractor;
import com.github.scribejava.core.extractors.HeaderExtractor;
import com.github.scribejava.core.httpclient.HttpClient;
import com.github.scribejava.core.httpclient.HttpClientConfig;
import com.github.scribejava.core.model.OAuth1RequestToken;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.oauth.OAuth10aService;
import com.github.scribejava.core.services.SignatureService;
import com.github.scribejava.core.services.TimestampService;
import java.io.OutputStream;

/**
 * scribejava's description of X's OAuth 1.0a endpoints, all derived from one base URL. scribejava only signs
 * here; {@link XClient} sends the requests with Helidon WebClient.
 */
final class XApi extends DefaultApi10a {
    private final String base;
    private final TimestampService timestamps;

    XApi(String base, TimestampService timestamps) {
        this.base = base;
        // scribejava's default makes a new timestamp service (and random source) for every signature: keep one.
        this.timestamps = timestamps == null ? super.getTimestampService() : timestamps;
    }

    @Override
    public BaseStringExtractor getBaseStringExtractor() {
        return Rfc5849.BASE_STRING;
    }

    @Override
    public HeaderExtractor getHeaderExtractor() {
        return Rfc5849.AUTHORIZATION;
    }

    @Override
    public String getRequestTokenEndpoint() {
        return base + "/oauth/request_token";
    }

    @Override
    public String getAccessTokenEndpoint() {
        return base + "/oauth/access_token";
    }

    @Override
    protected String getAuthorizationBaseUrl() {
        return base + "/oauth/authorize";
    }

    @Override
    public SignatureService getSignatureService() {
        return Rfc5849.HMAC_SHA1;
    }

    @Override
    public TimestampService getTimestampService() {
        return timestamps;
    }

    @Override
    public Signer createService(
            String apiKey,
            String apiSecret,
            String callback,
            String defaultScope,
            OutputStream debugStream,
            String userAgent,
            HttpClientConfig httpClientConfig,
            HttpClient httpClient) {
        return new Signer(
                this, apiKey, apiSecret, callback, defaultScope, debugStream, userAgent, httpClientConfig, httpClient);
    }

    /** Exposes the signed (never sent) token requests of scribejava's service. */
    static final class Signer extends OAuth10aService {
        Signer(
                DefaultApi10a api,
                String apiKey,
                String apiSecret,
                String callback,
                String scope,
                OutputStream debugStream,
                String userAgent,
                HttpClientConfig httpClientConfig,
                HttpClient httpClient) {
            super(api, apiKey, apiSecret, callback, scope, debugStream, userAgent, httpClientConfig, httpClient);
        }

        OAuthRequest signedRequestTokenRequest() {
            return prepareRequestTokenRequest();
        }

        OAuthRequest signedAccessTokenRequest(OAuth1RequestToken requestToken, String verifier) {
            return prepareAccessTokenRequest(requestToken, verifier);
        }
    }
}
