package io.twtbridge.localstack;

import io.helidon.logging.common.LogConfig;
import java.net.URI;

/**
 * {@code java -jar local-stack/target/local-stack.jar}: the whole system on this machine.
 *
 * <p>{@code java -jar local-stack.jar --train-worker <worker's address> [posts]}: only the broker and the X sandbox, to
 * train a queue-worker's ahead-of-time cache ({@link WorkerTraining}); exits 0 once every post is answered as posted.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        if (args.length > 0 && args[0].equals("--train-worker")) {
            System.exit(train(args));
        }
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

    /** {@code --train-worker <worker's address> [posts]}: 0 when every post was answered as posted. */
    private static int train(String[] args) {
        try {
            if (args.length < 2) {
                throw new IllegalArgumentException("usage: --train-worker <worker's address> [posts]");
            }
            LocalStack.Settings settings = LocalStack.Settings.fromEnvironment(System.getenv());
            int posts = args.length > 2 ? Integer.parseInt(args[2]) : WorkerTraining.POSTS;
            // The line aot-training.sh waits for before it stops the worker (then the broker stops).
            int posted = WorkerTraining.run(
                    settings.brokerPort(),
                    settings.sandboxPort(),
                    URI.create(args[1]),
                    posts,
                    n -> System.out.println(
                            "local-stack: " + n + " of " + posts + " training posts answered as posted"));
            return posted == posts ? 0 : 1;
        } catch (Exception e) {
            System.err.println("local-stack: training failed: " + e);
            return 1;
        }
    }
}
