package io.twtbridge.localstack;

import io.helidon.logging.common.LogConfig;

/** {@code java -jar local-stack/target/local-stack.jar}: the whole system on this machine. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        LocalStack stack;
        try {
            stack = LocalStack.start(LocalStack.Settings.fromEnvironment(System.getenv()));
        } catch (RuntimeException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "twt-local-stack-stop"));
        System.out.println(stack.banner());
    }
}
