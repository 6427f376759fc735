package io.twtbridge.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost (Helidon's client checks the name it resolves the address
 * to), made by the JDK's keytool, for serving the sandbox over TLS as X is served: {@link #server()} for the sandbox's
 * web server, {@link #client()} or {@link #trustStoreOptions()} for whoever calls it.
 */
public record SelfSignedTls(Path keyStore, String password) {

    /** Makes the certificate in a PKCS12 key store in {@code dir}. */
    public static SelfSignedTls create(Path dir) throws IOException, InterruptedException {
        SelfSignedTls tls = new SelfSignedTls(dir.resolve("sandbox.p12"), "sandbox");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "sandbox",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        tls.keyStore.toString(),
                        "-storepass",
                        tls.password,
                        "-keypass",
                        tls.password)
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IOException("keytool failed: " + out);
        }
        return tls;
    }

    /** The sandbox's side: the certificate and its key. */
    public SSLContext server() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(), password.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client's side: trusts this certificate only. */
    public SSLContext client() throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trust.getTrustManagers(), null);
        return ctx;
    }

    /** JVM options that make another JVM's default trust this certificate (and only it). */
    public String trustStoreOptions() {
        return "-Djavax.net.ssl.trustStore=" + keyStore + " -Djavax.net.ssl.trustStorePassword=" + password
                + " -Djavax.net.ssl.trustStoreType=PKCS12";
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
