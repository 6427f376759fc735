package io.twtbridge.deploy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks deploy/ and the Dockerfiles without a cluster: every manifest against the Kubernetes API's typed models
 * (unknown fields rejected), and every cross-reference (selectors, ports, probes, env vars, Secret and ConfigMap
 * keys, images). Returns the problems found; none means the folder is consistent.
 */
final class DeployChecker {
    private static final Gson GSON = new GsonBuilder().create();
    /** The apps we build: image name = module folder; their health endpoints. */
    private static final Set<String> APPS = Set.of("queue-worker", "auth-gateway");

    private static final Set<String> HEALTH_PATHS =
            Set.of("/observe/health", "/observe/health/live", "/observe/health/ready");
    /** An image reference: [registry/][path/]name[:tag][@digest]; group 2 = name, 3 = tag, 4 = digest. */
    private static final Pattern IMAGE = Pattern.compile(
            "^((?:[\\w.-]+(?::\\d+)?/)?(?:[a-z0-9._-]+/)*)([a-z0-9._-]+)(?::([\\w][\\w.-]{0,127}))?(@sha256:[0-9a-f]{64})?$");

    private final Path repo;
    private final Path deploy;
    private final List<String> problems = new ArrayList<>();
    /** Every document of the top-level files, in order. */
    private final List<Map<String, Object>> docs = new ArrayList<>();
    /** The Secrets secrets/create-secrets.sh creates, with their keys: the only Secrets there are. */
    private final Map<String, Set<String>> createdSecrets = new LinkedHashMap<>();

    static final String SECRETS_SCRIPT = "secrets/create-secrets.sh";

    DeployChecker(Path repo, Path deploy) {
        this.repo = repo;
        this.deploy = deploy;
    }

    static List<String> check(Path repo, Path deploy) throws IOException {
        DeployChecker c = new DeployChecker(repo, deploy);
        c.run();
        return c.problems;
    }

    private void run() throws IOException {
        loadTopLevel();
        loadSecretsScript();
        validateSchemas();
        checkNamespaces();
        checkSelectors();
        checkWorkloads();
        checkServicesAndIngress();
        checkRabbitmq();
        checkOptionalFolders();
    }

    // ---- loading and schemas ----

    private void loadTopLevel() throws IOException {
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Files.isDirectory(f)) {
                    if (!Files.exists(f.resolve("README.md"))) {
                        problems.add(name + "/: an optional folder needs its own README.md");
                    }
                    continue;
                }
                if (name.equals("README.md")) {
                    continue;
                }
                if (!name.endsWith(".yaml")) {
                    problems.add(name + ": only manifests (*.yaml) and README.md may sit directly in deploy/");
                    continue;
                }
                if (name.startsWith("kustomization")) {
                    problems.add(name + ": kubectl apply -f deploy/ would apply it as a manifest");
                }
                for (Map<String, Object> doc : load(f)) {
                    if (doc.get("apiVersion") == null || doc.get("kind") == null) {
                        problems.add(name + ": a document without apiVersion and kind is not a manifest");
                        continue;
                    }
                    doc.put("__file", name);
                    docs.add(doc);
                }
            }
        }
    }

    /**
     * Secrets are created once by secrets/create-secrets.sh, never applied: a Secret manifest in deploy/ would put its
     * placeholder values back over the real ones on every {@code kubectl apply -f deploy/}. Reads the names and keys
     * of its {@code create_once NAME KEY=VALUE...} calls.
     */
    private void loadSecretsScript() throws IOException {
        for (Map<String, Object> doc : kind("Secret")) {
            problems.add(
                    where(doc) + ": a Secret in the applied folder is overwritten by every kubectl apply -f deploy/;"
                            + " create it once in " + SECRETS_SCRIPT);
        }
        Path script = deploy.resolve(SECRETS_SCRIPT);
        if (!Files.exists(script)) {
            problems.add(SECRETS_SCRIPT + " does not exist: nothing creates the Secrets");
            return;
        }
        String text = Files.readString(script).replace("\\\n", " ");
        // Its only apply is the namespace's: kubectl apply (or replace, patch) would overwrite an existing Secret.
        for (String line : text.lines().filter(l -> !l.strip().startsWith("#")).toList()) {
            if (line.matches("\\s*kubectl\\b.*\\b(apply|replace|patch|edit)\\b.*")
                    && !line.contains("00-namespace.yaml")) {
                problems.add(
                        SECRETS_SCRIPT + ": '" + line.strip() + "' may overwrite a Secret; only kubectl create it");
            }
        }
        Matcher call = Pattern.compile("(?m)^\\s*create_once\\s+([a-z0-9.-]+)((?:\\s+[A-Za-z0-9_.-]+=\\S+)+)\\s*$")
                .matcher(text);
        while (call.find()) {
            Set<String> keys = new LinkedHashSet<>();
            Matcher key = Pattern.compile("\\s([A-Za-z0-9_.-]+)=").matcher(call.group(2));
            while (key.find()) {
                keys.add(key.group(1));
            }
            createdSecrets.put(call.group(1), keys);
        }
        if (createdSecrets.isEmpty()) {
            problems.add(SECRETS_SCRIPT + ": no create_once NAME KEY=VALUE... call found");
        }
        // The URIs it writes name the namespace and the broker's client Service and ports.
        Matcher ns = Pattern.compile("(?m)^NS=(\\S+)$").matcher(text);
        if (!ns.find() || kind("Namespace").stream().noneMatch(n -> ns.group(1).equals(name(n)))) {
            problems.add(SECRETS_SCRIPT + ": NS= must name the namespace of deploy/");
        }
        Matcher uri = Pattern.compile("(?:amqp|http)://\\$\\w+:\\$\\w+@([a-z0-9-]+)\\.\\$NS\\.svc:(\\d+)/")
                .matcher(text);
        int uris = 0;
        while (uri.find()) {
            uris++;
            Map<String, Object> svc = find("Service", uri.group(1));
            int port = Integer.parseInt(uri.group(2));
            if (svc == null
                    || list(map(svc, "spec").get("ports")).stream()
                            .noneMatch(p -> Objects.equals(p.get("port"), port))) {
                problems.add(SECRETS_SCRIPT + ": URI " + uri.group() + " names no port of a Service in deploy/");
            }
        }
        if (uris == 0) {
            problems.add(SECRETS_SCRIPT + ": no broker URI found");
        }
        if (text.contains("REPLACE-ME")) {
            problems.add(SECRETS_SCRIPT + ": holds a placeholder value");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(Path f) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(f)) {
            for (Object o : new Yaml().loadAll(r)) {
                if (o instanceof Map<?, ?> m) {
                    out.add(new LinkedHashMap<>((Map<String, Object>) m));
                }
            }
        }
        return out;
    }

    private void validateSchemas() {
        for (Map<String, Object> doc : docs) {
            if (!validateSchema(doc, where(doc))) {
                problems.add(where(doc) + ": no schema known for " + doc.get("apiVersion") + " " + doc.get("kind")
                        + " (CRDs belong in an optional sub-folder)");
            }
        }
    }

    /** Validates a document of a kind the Kubernetes API models know; false for any other kind (a CRD). */
    private boolean validateSchema(Map<String, Object> doc, String where) {
        Map<String, Object> clean = new LinkedHashMap<>(doc);
        clean.remove("__file");
        String json = GSON.toJson(clean);
        try {
            switch (doc.get("apiVersion") + "/" + doc.get("kind")) {
                case "v1/Namespace" -> V1Namespace.fromJson(json);
                case "v1/ConfigMap" -> V1ConfigMap.fromJson(json);
                case "v1/Secret" -> V1Secret.fromJson(json);
                case "v1/Service" -> V1Service.fromJson(json);
                case "apps/v1/Deployment" -> V1Deployment.fromJson(json);
                case "apps/v1/StatefulSet" -> V1StatefulSet.fromJson(json);
                case "policy/v1/PodDisruptionBudget" -> V1PodDisruptionBudget.fromJson(json);
                case "autoscaling/v2/HorizontalPodAutoscaler" -> V2HorizontalPodAutoscaler.fromJson(json);
                case "networking.k8s.io/v1/Ingress" -> V1Ingress.fromJson(json);
                case "networking.k8s.io/v1/NetworkPolicy" -> V1NetworkPolicy.fromJson(json);
                default -> {
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(where + ": does not match the Kubernetes API schema: " + e.getMessage());
        }
        return true;
    }

    // ---- cross-references ----

    private void checkNamespaces() {
        Set<String> declared = new HashSet<>();
        for (Map<String, Object> doc : docs) {
            if ("Namespace".equals(doc.get("kind"))) {
                declared.add(name(doc));
            } else {
                String ns = str(meta(doc).get("namespace"));
                if (ns == null) {
                    problems.add(where(doc) + ": no metadata.namespace");
                } else if (!declared.contains(ns)) {
                    problems.add(where(doc) + ": namespace " + ns + " is not declared in an earlier file");
                }
            }
        }
    }

    private List<Map<String, Object>> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private Map<String, Object> find(String kind, String name) {
        return kind(kind).stream().filter(d -> name.equals(name(d))).findFirst().orElse(null);
    }

    /** Pod templates of all workloads, by workload name. */
    private Map<String, Map<String, Object>> podTemplates() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String k : List.of("Deployment", "StatefulSet")) {
            for (Map<String, Object> d : kind(k)) {
                out.put(name(d), map(map(d, "spec"), "template"));
            }
        }
        return out;
    }

    private boolean matchesSomePod(Map<String, Object> selector) {
        return podTemplates().values().stream()
                .anyMatch(t -> labels(t).entrySet().containsAll(selector.entrySet()));
    }

    private void checkSelectors() {
        for (String k : List.of("Deployment", "StatefulSet")) {
            for (Map<String, Object> d : kind(k)) {
                Map<String, Object> selector = map(map(map(d, "spec"), "selector"), "matchLabels");
                Map<String, Object> labels = labels(map(map(d, "spec"), "template"));
                if (selector.isEmpty() || !labels.entrySet().containsAll(selector.entrySet())) {
                    problems.add(where(d) + ": spec.selector.matchLabels " + selector
                            + " does not match the pod labels " + labels);
                }
            }
        }
        for (Map<String, Object> s : kind("Service")) {
            Map<String, Object> selector = map(map(s, "spec"), "selector");
            if (!selector.isEmpty() && !matchesSomePod(selector)) {
                problems.add(where(s) + ": selector " + selector + " matches no pod");
            }
        }
        for (Map<String, Object> p : kind("PodDisruptionBudget")) {
            Map<String, Object> selector = map(map(map(p, "spec"), "selector"), "matchLabels");
            if (!matchesSomePod(selector)) {
                problems.add(where(p) + ": selector " + selector + " matches no pod");
            }
        }
        for (Map<String, Object> n : kind("NetworkPolicy")) {
            Map<String, Object> spec = map(n, "spec");
            Map<String, Object> pods = map(map(spec, "podSelector"), "matchLabels");
            if (!matchesSomePod(pods)) {
                problems.add(where(n) + ": podSelector " + pods + " matches no pod");
            }
            for (String dir : List.of("ingress", "egress")) {
                for (Map<String, Object> rule : list(spec.get(dir))) {
                    for (Map<String, Object> peer : list(rule.get(dir.equals("ingress") ? "from" : "to"))) {
                        Map<String, Object> ps = map(map(peer, "podSelector"), "matchLabels");
                        if (peer.containsKey("podSelector")
                                && !peer.containsKey("namespaceSelector")
                                && !matchesSomePod(ps)) {
                            problems.add(where(n) + ": " + dir + " peer podSelector " + ps + " matches no pod");
                        }
                    }
                }
            }
        }
        for (Map<String, Object> h : kind("HorizontalPodAutoscaler")) {
            Map<String, Object> target = map(map(h, "spec"), "scaleTargetRef");
            if (find(str(target.get("kind")), str(target.get("name"))) == null) {
                problems.add(where(h) + ": scaleTargetRef " + target.get("kind") + "/" + target.get("name")
                        + " does not exist");
            }
        }
        for (Map<String, Object> s : kind("StatefulSet")) {
            Map<String, Object> svc = find("Service", str(map(s, "spec").get("serviceName")));
            if (svc == null || !"None".equals(map(svc, "spec").get("clusterIP"))) {
                problems.add(where(s) + ": serviceName must name a headless Service");
            }
        }
    }

    private void checkWorkloads() throws IOException {
        for (String k : List.of("Deployment", "StatefulSet")) {
            for (Map<String, Object> d : kind(k)) {
                Map<String, Object> podSpec = map(map(map(d, "spec"), "template"), "spec");
                checkVolumes(d, podSpec);
                for (Map<String, Object> c :
                        concat(list(podSpec.get("initContainers")), list(podSpec.get("containers")))) {
                    checkContainer(d, podSpec, c);
                }
            }
        }
    }

    private void checkVolumes(Map<String, Object> d, Map<String, Object> podSpec) {
        for (Map<String, Object> v : list(podSpec.get("volumes"))) {
            if (v.get("configMap") instanceof Map<?, ?> cm) {
                requireKeys(
                        d,
                        "ConfigMap",
                        str(cm.get("name")),
                        list(cm.get("items")).stream()
                                .map(i -> str(i.get("key")))
                                .toList());
            }
            if (v.get("secret") instanceof Map<?, ?> s) {
                requireKeys(
                        d,
                        "Secret",
                        str(s.get("secretName")),
                        list(s.get("items")).stream()
                                .map(i -> str(i.get("key")))
                                .toList());
            }
        }
    }

    private void requireKeys(Map<String, Object> d, String kind, String name, List<String> keys) {
        if (kind.equals("Secret")) {
            Set<String> created = createdSecrets.get(name);
            if (created == null) {
                problems.add(
                        where(d) + ": refers to Secret " + name + ", which " + SECRETS_SCRIPT + " does not create");
                return;
            }
            for (String key : keys) {
                if (!created.contains(key)) {
                    problems.add(where(d) + ": Secret " + name + " has no key " + key + " (" + SECRETS_SCRIPT + ")");
                }
            }
            return;
        }
        Map<String, Object> target = find(kind, name);
        if (target == null) {
            problems.add(where(d) + ": refers to " + kind + " " + name + ", which does not exist");
            return;
        }
        Map<String, Object> data = new HashMap<>(map(target, "data"));
        data.putAll(map(target, "stringData"));
        for (String key : keys) {
            if (!data.containsKey(key)) {
                problems.add(where(d) + ": " + kind + " " + name + " has no key " + key);
            }
        }
    }

    private void checkContainer(Map<String, Object> d, Map<String, Object> podSpec, Map<String, Object> c)
            throws IOException {
        String container = str(c.get("name"));
        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> p : list(c.get("ports"))) {
            ports.put(str(p.get("name")), ((Number) p.get("containerPort")).intValue());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : list(c.get("env"))) {
            String name = str(e.get("name"));
            env.put(name, str(e.get("value")));
            Map<String, Object> from = map(e, "valueFrom");
            if (from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                requireKeys(d, "Secret", str(ref.get("name")), List.of(str(ref.get("key"))));
            }
            if (from.get("configMapKeyRef") instanceof Map<?, ?> ref) {
                requireKeys(d, "ConfigMap", str(ref.get("name")), List.of(str(ref.get("key"))));
            }
        }
        if (c.containsKey("envFrom")) {
            problems.add(where(d) + ": container " + container
                    + " uses envFrom; set each variable explicitly so every one is checked");
        }
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (map(c, probe).containsKey("exec")) {
                problems.add(where(d) + ": container " + container + " has an exec " + probe
                        + ": it runs a process inside the memory limit"
                        + " every period and times out under load; use httpGet or tcpSocket");
            }
        }
        // Our apps are known by their container name, whatever registry, path or tag their image has: renaming the
        // image never turns the app checks off. The image's own name must still be the app's.
        String imageRef = str(c.get("image"));
        Matcher image = IMAGE.matcher(String.valueOf(imageRef));
        if (!image.matches()) {
            problems.add(where(d) + ": container " + container + " has no valid image reference: " + imageRef);
            return;
        }
        String imageName = image.group(2);
        String tag = image.group(3);
        if (image.group(4) == null && (tag == null || tag.equals("latest"))) {
            problems.add(
                    where(d) + ": image " + imageRef
                            + " has no fixed tag or digest: every restart may run another image"
                            + " (and without imagePullPolicy, an image loaded into kind or k3s is ignored: the policy is then Always)");
        }
        String app = APPS.contains(container) ? container : null;
        if (app == null) {
            if (APPS.contains(imageName)) {
                problems.add(where(d) + ": image " + imageRef + " is " + imageName + "'s, but its container is named "
                        + container + "; name the container " + imageName + " so the app's checks apply");
            }
            return; // a third-party image (rabbitmq): checked as any container above
        }
        if (!imageName.equals(app)) {
            problems.add(where(d) + ": container " + app + " runs image " + imageRef + ", whose name is not " + app
                    + " (expected <registry>/<path>/" + app + ":<tag>, built from " + app + "/Dockerfile)");
        }
        checkDockerfile(d, app);
        Set<String> readable = envVarsRead(app);
        for (String name : env.keySet()) {
            if (!readable.contains(name)) {
                problems.add(
                        where(d) + ": container " + container + " sets " + name + ", which " + app + " does not read");
            }
        }
        String serverPort = env.get("SERVER_PORT");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(c, probe), "httpGet");
            if (get.isEmpty()) {
                problems.add(where(d) + ": container " + container + " has no HTTP " + probe);
                continue;
            }
            Object port = get.get("port");
            Integer number = port instanceof Number n ? Integer.valueOf(n.intValue()) : ports.get(str(port));
            if (number == null) {
                problems.add(where(d) + ": " + probe + " port " + port + " is not a container port");
            } else if (!String.valueOf(number).equals(serverPort)) {
                problems.add(where(d) + ": " + probe + " probes port " + number + " but the app listens on SERVER_PORT "
                        + serverPort);
            }
            if (!HEALTH_PATHS.contains(str(get.get("path")))) {
                problems.add(where(d) + ": " + probe + " path " + get.get("path") + " is not one of " + app
                        + "'s health endpoints");
            }
        }
        Map<String, Object> sc = map(c, "securityContext");
        Map<String, Object> podSc = map(podSpec, "securityContext");
        if (!Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))
                || !Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))
                || !String.valueOf(map(sc, "capabilities").get("drop")).contains("ALL")
                || !Boolean.TRUE.equals(podSc.get("runAsNonRoot"))) {
            problems.add(where(d) + ": container " + container
                    + " must run as non-root, read-only, without privilege escalation, all capabilities dropped");
        }
        if (app.equals("queue-worker")) {
            Number grace = (Number) podSpec.get("terminationGracePeriodSeconds");
            String drain = configValue(c, "WORKER_SHUTDOWN_GRACE");
            if (grace == null
                    || drain == null
                    || grace.longValue() <= Duration.parse(drain).toSeconds()) {
                problems.add(where(d) + ": terminationGracePeriodSeconds must be longer than WORKER_SHUTDOWN_GRACE ("
                        + drain + ")");
            }
        }
    }

    /** The value a container gets for a variable from a ConfigMap key or a literal. */
    private String configValue(Map<String, Object> c, String var) {
        for (Map<String, Object> e : list(c.get("env"))) {
            if (var.equals(e.get("name"))) {
                if (e.get("value") != null) {
                    return str(e.get("value"));
                }
                if (map(e, "valueFrom").get("configMapKeyRef") instanceof Map<?, ?> ref) {
                    Map<String, Object> cm = find("ConfigMap", str(ref.get("name")));
                    return cm == null ? null : str(map(cm, "data").get(str(ref.get("key"))));
                }
            }
        }
        return null;
    }

    /** The environment variables an app reads: its application.yaml keys, upper case, dots and dashes as underscores. */
    private Set<String> envVarsRead(String app) throws IOException {
        Path yaml = repo.resolve(app).resolve("src/main/resources/application.yaml");
        Set<String> out = new HashSet<>();
        try (Reader r = Files.newBufferedReader(yaml)) {
            flatten("", new Yaml().load(r), out);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(prefix.isEmpty() ? str(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.add(prefix.toUpperCase().replace('.', '_').replace('-', '_'));
        }
    }

    private final Set<String> dockerfilesChecked = new HashSet<>();

    /** The Dockerfile builds this app: what it copies exists after mvn package, and its entry point runs the app's jar. */
    private void checkDockerfile(Map<String, Object> d, String app) throws IOException {
        if (!dockerfilesChecked.add(app)) {
            return;
        }
        Path dockerfile = repo.resolve(app).resolve("Dockerfile");
        if (!Files.exists(dockerfile)) {
            problems.add(where(d) + ": image of " + app + " but " + app + "/Dockerfile does not exist");
            return;
        }
        String text = Files.readString(dockerfile);
        // Every file the build stage copies from the sources: a module's build output, or a script of the repository.
        Matcher copied = Pattern.compile(" ([a-z][\\w-]*/(?:target/[^ \\n]+|[\\w.-]+\\.sh))(?= )")
                .matcher(text);
        int found = 0;
        while (copied.find()) {
            found += copied.group(1).startsWith(app + "/target/") ? 1 : 0;
            String path = copied.group(1).replace("*.jar", "");
            Path p = repo.resolve(path);
            if (!Files.exists(p) || Files.isDirectory(p) && isEmpty(p)) {
                problems.add(app + "/Dockerfile copies " + copied.group(1) + ", which is not there after mvn package");
            }
        }
        if (found == 0) {
            problems.add(app + "/Dockerfile copies nothing from " + app + "/target");
        }
        Matcher entry = Pattern.compile("ENTRYPOINT \\[\"java\", \"-jar\", \"/app/([^\"]+)\"]")
                .matcher(text);
        if (!entry.find() || !entry.group(1).equals(app + ".jar")) {
            problems.add(app + "/Dockerfile: ENTRYPOINT must run /app/" + app + ".jar");
            return;
        }
        Path jar = repo.resolve(app).resolve("target").resolve(app + ".jar");
        if (!Files.exists(jar)) {
            problems.add(app + "/target/" + app + ".jar does not exist: run mvn package first");
            return;
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            String main = j.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null || j.getEntry(main.replace('.', '/') + ".class") == null) {
                problems.add(app + ".jar: its Main-Class " + main + " is not in the jar");
            }
            String classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
            if (classPath == null || !classPath.startsWith("libs/")) {
                problems.add(
                        app + ".jar: its Class-Path must point into libs/, where the Dockerfile puts the dependencies");
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private void checkServicesAndIngress() {
        for (Map<String, Object> s : kind("Service")) {
            Map<String, Object> selector = map(map(s, "spec"), "selector");
            for (Map<String, Object> p : list(map(s, "spec").get("ports"))) {
                if (p.get("targetPort") instanceof String named) {
                    boolean declared = podTemplates().values().stream()
                            .filter(t -> labels(t).entrySet().containsAll(selector.entrySet()))
                            .flatMap(t -> list(map(t, "spec").get("containers")).stream())
                            .flatMap(c -> list(c.get("ports")).stream())
                            .anyMatch(cp -> named.equals(cp.get("name")));
                    if (!declared) {
                        problems.add(where(s) + ": targetPort " + named + " is no port of the selected pods");
                    }
                }
            }
        }
        for (Map<String, Object> i : kind("Ingress")) {
            for (Map<String, Object> rule : list(map(i, "spec").get("rules"))) {
                for (Map<String, Object> path : list(map(rule, "http").get("paths"))) {
                    Map<String, Object> svc = map(map(path, "backend"), "service");
                    Map<String, Object> target = find("Service", str(svc.get("name")));
                    String port = str(map(svc, "port").get("name"));
                    if (target == null
                            || list(map(target, "spec").get("ports")).stream()
                                    .noneMatch(p -> Objects.equals(port, p.get("name")))) {
                        problems.add(where(i) + ": backend " + svc.get("name") + ":" + port + " is no Service port");
                    }
                }
            }
        }
    }

    // ---- RabbitMQ 4.2 ----

    /** rabbitmq.conf keys that do nothing (or stop the node) on RabbitMQ 4.x: classic mirroring and its leader locator are gone. */
    private static final List<String> RABBITMQ_3_ONLY = List.of("queue_master_locator", "mirroring_", "ha_");

    private static final Pattern CONF_LINE = Pattern.compile("^([a-z0-9_.\\-]+)\\s*=\\s*(\\S.*)$");

    /**
     * The broker's settings a quorum-queue cluster on Kubernetes needs (as the RabbitMQ cluster operator sets them):
     * 4.x keys only, memory sized from the container limit, membership reconciliation and the cluster size hint at
     * the StatefulSet's replicas, cheap probes, a preStop hook that waits for quorum and drains within the grace period.
     */
    private void checkRabbitmq() {
        Map<String, Object> sts = find("StatefulSet", "rabbitmq");
        Map<String, Object> cm = find("ConfigMap", "rabbitmq-config");
        if (sts == null || cm == null) {
            problems.add("20-rabbitmq.yaml: StatefulSet rabbitmq and ConfigMap rabbitmq-config are expected");
            return;
        }
        String where = where(sts);
        Map<String, Object> podSpec = map(map(map(sts, "spec"), "template"), "spec");
        Map<String, Object> c = list(podSpec.get("containers")).stream()
                .filter(x -> "rabbitmq".equals(x.get("name")))
                .findFirst()
                .orElse(Map.of());
        int replicas = map(sts, "spec").get("replicas") instanceof Number n ? n.intValue() : 1;

        Map<String, String> conf = new LinkedHashMap<>();
        for (String line : String.valueOf(map(cm, "data").get("rabbitmq.conf"))
                .lines()
                .map(String::strip)
                .toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = CONF_LINE.matcher(line);
            if (!m.matches() || m.group(2).contains("#")) {
                problems.add(where(cm) + ": rabbitmq.conf line '" + line
                        + "' is not 'key = value' (comments go on their own line)");
                continue;
            }
            conf.put(m.group(1), m.group(2).strip());
        }
        for (String key : conf.keySet()) {
            if (RABBITMQ_3_ONLY.stream().anyMatch(key::startsWith)) {
                problems.add(
                        where(cm) + ": rabbitmq.conf sets " + key
                                + ", which RabbitMQ 4.x ignores or rejects (queue_leader_locator replaces queue_master_locator)");
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("queue_leader_locator", "balanced");
        expected.put("default_queue_type", "quorum");
        expected.put("quorum_queue.continuous_membership_reconciliation.enabled", "true");
        expected.put("quorum_queue.continuous_membership_reconciliation.target_group_size", String.valueOf(replicas));
        expected.put("cluster_formation.target_cluster_size_hint", String.valueOf(replicas));
        Object limit = map(map(c, "resources"), "limits").get("memory");
        if (limit == null) {
            problems.add(where + ": the rabbitmq container needs a memory limit");
        } else {
            long bytes = new Quantity(str(limit)).getNumber().longValue();
            expected.put("total_memory_available_override_value", String.valueOf(removeHeadroom(bytes)));
        }
        expected.forEach((key, value) -> {
            if (!value.equals(conf.get(key))) {
                problems.add(where(cm) + ": rabbitmq.conf needs " + key + " = " + value + " (has " + conf.get(key) + ")"
                        + (key.startsWith("total_memory")
                                ? ": the memory limit " + limit + " minus the cluster operator's headroom"
                                : ""));
            }
        });
        String plugins = String.valueOf(map(cm, "data").get("enabled_plugins"));
        for (String plugin : List.of("rabbitmq_peer_discovery_k8s", "rabbitmq_management", "rabbitmq_prometheus")) {
            if (!plugins.contains(plugin)) {
                problems.add(where(cm) + ": enabled_plugins lacks " + plugin);
            }
        }
        if (!"/api/health/checks/reached-target-cluster-size"
                .equals(map(map(c, "startupProbe"), "httpGet").get("path"))) {
            problems.add(
                    where
                            + ": the startup probe must be GET /api/health/checks/reached-target-cluster-size, so no node is Ready before the cluster has formed");
        }
        if (!"Parallel".equals(map(sts, "spec").get("podManagementPolicy"))) {
            problems.add(where
                    + ": podManagementPolicy must be Parallel: each node's startup probe waits for the whole cluster,"
                    + " so OrderedReady would never start the second node");
        }
        if (map(c, "readinessProbe").isEmpty()) {
            problems.add(where + ": the rabbitmq container needs a readiness probe (tcpSocket on amqp)");
        }

        Number grace = (Number) podSpec.get("terminationGracePeriodSeconds");
        String hook = String.join(
                " ", stringList(map(map(map(c, "lifecycle"), "preStop"), "exec").get("command")));
        int await = hook.indexOf("rabbitmq-upgrade await_online_quorum_plus_one");
        int drain = hook.indexOf("rabbitmq-upgrade drain");
        if (await < 0 || drain < await) {
            problems.add(
                    where
                            + ": the preStop hook must run rabbitmq-upgrade await_online_quorum_plus_one, then rabbitmq-upgrade drain");
        } else {
            long total = 0;
            for (String cmd : List.of(hook.substring(await, drain), hook.substring(drain))) {
                Matcher t = Pattern.compile("\\s(?:-t|--timeout)\\s+(\\d+)").matcher(cmd);
                if (!t.find()) {
                    problems.add(where + ": preStop: '" + cmd.strip() + "' needs a timeout (-t seconds)");
                } else {
                    total += Long.parseLong(t.group(1));
                }
            }
            if (grace == null || total + 30 > grace.longValue()) {
                problems.add(where + ": the preStop timeouts (" + total
                        + " s) plus 30 s for the node's shutdown exceed terminationGracePeriodSeconds (" + grace + ")");
            }
        }
    }

    /** The memory RabbitMQ may use in a container: the limit minus 20 % headroom, at most 2 GiB (cluster-operator's removeHeadroom). */
    static long removeHeadroom(long limit) {
        long gib = 1L << 30;
        return limit / 5 > 2 * gib ? limit - 2 * gib : limit - limit / 5;
    }

    private static List<String> stringList(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /**
     * Optional folders hold CRDs and alternatives (schemas checked where known): check that they parse and refer to
     * things that exist, and that each is a complete, single choice of autoscaler.
     */
    private void checkOptionalFolders() throws IOException {
        Map<String, List<String>> autoscalerFolders = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(deploy)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Map<String, Integer> autoscalersHere = new LinkedHashMap<>();
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
                            .sorted()
                            .toList()) {
                        for (Map<String, Object> doc : load(f)) {
                            String here =
                                    dir.getFileName() + "/" + f.getFileName() + " " + doc.get("kind") + "/" + name(doc);
                            if (doc.get("apiVersion") == null || doc.get("kind") == null || name(doc) == null) {
                                problems.add(here + ": apiVersion, kind and metadata.name are required");
                                continue;
                            }
                            validateSchema(doc, here);
                            if ("Secret".equals(doc.get("kind"))) {
                                problems.add(
                                        here + ": Secrets are created once by " + SECRETS_SCRIPT + ", not applied");
                            }
                            Map<String, Object> spec = map(doc, "spec");
                            String target = autoscalerTarget(doc);
                            if (target != null) {
                                if (find("Deployment", target) == null) {
                                    problems.add(here + ": scaleTargetRef names no Deployment");
                                } else {
                                    autoscalersHere.merge(target, 1, Integer::sum);
                                    autoscalerFolders
                                            .computeIfAbsent(target, k -> new ArrayList<>())
                                            .add(dir.getFileName().toString());
                                    checkAutoscaler(dir, here, doc, find("Deployment", target));
                                }
                            }
                            for (Map<String, Object> ref : list(spec.get("secretTargetRef"))) {
                                doc.put("__file", here);
                                requireKeys(doc, "Secret", str(ref.get("name")), List.of(str(ref.get("key"))));
                            }
                            for (Map<String, Object> rule : list(spec.get("rules"))) {
                                for (Map<String, Object> b : list(rule.get("backendRefs"))) {
                                    Map<String, Object> svc = find("Service", str(b.get("name")));
                                    if (svc == null
                                            || list(map(svc, "spec").get("ports")).stream()
                                                    .noneMatch(p -> Objects.equals(p.get("port"), b.get("port")))) {
                                        problems.add(here + ": backendRef " + b.get("name") + ":" + b.get("port")
                                                + " is no Service port");
                                    }
                                }
                            }
                        }
                    }
                }
                autoscalersHere.forEach((target, n) -> {
                    if (n > 1) {
                        problems.add(dir.getFileName() + "/: " + n + " autoscalers target Deployment " + target
                                + "; they would fight over its replicas");
                    }
                });
            }
        }
        // The worker's replica count has exactly one owner: the autoscaler folder you pick, never deploy/ itself.
        Map<String, Object> worker = find("Deployment", "queue-worker");
        if (worker != null && !autoscalerFolders.containsKey("queue-worker")) {
            problems.add("no optional folder (keda/, hpa/) holds an autoscaler for Deployment queue-worker");
        }
        for (Map<String, Object> h : kind("HorizontalPodAutoscaler")) {
            problems.add(
                    where(h) + ": an autoscaler in the applied folder comes back with every kubectl apply -f deploy/,"
                            + " next to the one in keda/ or hpa/; keep autoscalers in their optional folder");
        }
        for (Map<String, Object> d : kind("Deployment")) {
            if (map(d, "spec").containsKey("replicas")
                    && (autoscalerFolders.containsKey(name(d)) || "queue-worker".equals(name(d)))) {
                problems.add(
                        where(d)
                                + ": spec.replicas is reset by every kubectl apply -f deploy/, overriding the autoscaler; leave it out");
            }
        }
        for (Map<String, Object> p : kind("PodDisruptionBudget")) {
            if (map(p, "spec").containsKey("minAvailable") || !map(p, "spec").containsKey("maxUnavailable")) {
                problems.add(where(p) + ": use maxUnavailable, not minAvailable: with as many replicas as minAvailable"
                        + " (e.g. 1 replica, minAvailable: 1) it blocks every node drain");
            }
        }
    }

    /** The Deployment an HPA or a KEDA ScaledObject scales, or null for any other document. */
    private static String autoscalerTarget(Map<String, Object> doc) {
        Map<String, Object> ref = map(map(doc, "spec"), "scaleTargetRef");
        boolean hpa = "HorizontalPodAutoscaler".equals(doc.get("kind"));
        if (!hpa && !"ScaledObject".equals(doc.get("kind"))) {
            return null;
        }
        String kind = ref.get("kind") == null ? "Deployment" : str(ref.get("kind"));
        return kind.equals("Deployment") ? str(ref.get("name")) : null;
    }

    /** Names the worker's requests live in: twt, its shards; and queues an autoscaler must not count. */
    private static final List<String> NOT_WORK_QUEUES =
            List.of("to_server", "twt.dead", "twt.delay.5000", "twt.shard.x", "twt.shard.1.old", "xtwt");

    /**
     * An autoscaler of a worker scales on the depth of twt and all twt.shard.* queues, ready AND unacknowledged
     * messages (each worker holds up to WORKER_PREFETCH unacknowledged), and stops at WORKER_SHARDS replicas.
     */
    private void checkAutoscaler(Path dir, String here, Map<String, Object> doc, Map<String, Object> deployment)
            throws IOException {
        Map<String, Object> spec = map(doc, "spec");
        Map<String, Object> c = list(
                        map(map(map(deployment, "spec"), "template"), "spec").get("containers"))
                .stream()
                .findFirst()
                .orElse(Map.of());
        String shards = configValue(c, "WORKER_SHARDS");
        if (shards == null) {
            return; // not a sharded worker
        }
        boolean hpa = "HorizontalPodAutoscaler".equals(doc.get("kind"));
        Object max = spec.get(hpa ? "maxReplicas" : "maxReplicaCount");
        if (!(max instanceof Number n) || n.intValue() > Integer.parseInt(shards)) {
            problems.add(here + ": " + (hpa ? "maxReplicas " : "maxReplicaCount ") + max + " exceeds WORKER_SHARDS "
                    + shards + " (each shard has one consumer; further replicas idle)");
        }
        int n = Integer.parseInt(shards);
        List<String> work = List.of("twt", "twt.shard.0", "twt.shard." + (n - 1));
        if (!hpa) {
            List<Map<String, Object>> triggers = list(spec.get("triggers"));
            if (triggers.isEmpty() || triggers.stream().anyMatch(t -> !"rabbitmq".equals(t.get("type")))) {
                problems.add(here + ": scale on the rabbitmq trigger only");
            }
            for (Map<String, Object> t : triggers) {
                Map<String, Object> m = map(t, "metadata");
                Map<String, String> need =
                        Map.of("protocol", "http", "useRegex", "true", "operation", "sum", "mode", "QueueLength");
                need.forEach((k, v) -> {
                    if (!v.equals(str(m.get(k)))) {
                        problems.add(here + ": rabbitmq trigger needs " + k + ": " + v + " (has " + m.get(k)
                                + "): the depth of twt and all its shards,"
                                + " ready and unacknowledged, comes only from the management API");
                    }
                });
                if ("true".equals(str(m.get("excludeUnacknowledged")))) {
                    problems.add(
                            here
                                    + ": excludeUnacknowledged: true counts ready messages only, while each worker holds up to WORKER_PREFETCH unacknowledged");
                }
                checkQueueRegex(here, str(m.get("queueName")), work);
            }
        } else {
            List<Map<String, Object>> external = list(spec.get("metrics")).stream()
                    .filter(m -> "External".equals(m.get("type")))
                    .toList();
            if (external.isEmpty()) {
                problems.add(here + ": scale the worker on the queues' depth (an External metric), not on CPU");
            }
            Path readme = dir.resolve("README.md");
            String text = Files.exists(readme) ? Files.readString(readme) : "";
            for (Map<String, Object> m : external) {
                String metric = str(map(map(m, "external"), "metric").get("name"));
                // The README's prometheus-adapter rule defines the metric: the total depth, over twt and its shards.
                Matcher rule = Pattern.compile(
                                "as: " + Pattern.quote(String.valueOf(metric)) + "\\s+metricsQuery: '(.*)'")
                        .matcher(text);
                if (!rule.find()) {
                    problems.add(here + ": " + dir.getFileName()
                            + "/README.md defines no prometheus-adapter rule for metric " + metric);
                    continue;
                }
                Matcher q = Pattern.compile(
                                "(rabbitmq_detailed_queue_messages\\w*)\\{[^}]*queue=~\"((?:[^\"\\\\]|\\\\.)*)\"")
                        .matcher(rule.group(1));
                if (!q.find() || !q.group(1).equals("rabbitmq_detailed_queue_messages")) {
                    problems.add(here + ": metric " + metric
                            + " must sum rabbitmq_detailed_queue_messages (ready + unacknowledged) by queue=~");
                } else {
                    // PromQL: anchored; its string literal escapes backslashes
                    checkQueueRegex(here, "^(?:" + q.group(2).replace("\\\\", "\\") + ")$", work);
                }
            }
        }
    }

    private void checkQueueRegex(String here, String regex, List<String> work) {
        Pattern p;
        try {
            p = Pattern.compile(String.valueOf(regex));
        } catch (RuntimeException e) {
            problems.add(here + ": queue regex " + regex + " does not compile");
            return;
        }
        for (String q : work) {
            if (!p.matcher(q).find()) {
                problems.add(here + ": queue regex " + regex + " does not match " + q);
            }
        }
        for (String q : NOT_WORK_QUEUES) {
            if (p.matcher(q).find()) {
                problems.add(
                        here + ": queue regex " + regex + " also matches " + q + ", which is not work for the workers");
            }
        }
    }

    // ---- helpers over SnakeYAML's maps ----

    private static String where(Map<String, Object> doc) {
        return doc.get("__file") + " " + doc.get("kind") + "/" + name(doc);
    }

    private static String name(Map<String, Object> doc) {
        return str(meta(doc).get("name"));
    }

    private static Map<String, Object> meta(Map<String, Object> doc) {
        return map(doc, "metadata");
    }

    private static Map<String, Object> labels(Map<String, Object> template) {
        return map(map(template, "metadata"), "labels");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<?, ?> m, String key) {
        return m != null && m.get(key) instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object x : l) {
            if (x instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
