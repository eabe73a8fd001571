package io.robogrid.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests of docker/k8s read as Kubernetes would hand them to a container: every document of every
 * {@code *.yaml} there ({@code kubectl apply -f docker/k8s/} reads no subfolder), the example Secret, and a container's
 * environment as the kubelet builds it (the image's ENV, then {@code envFrom}, then {@code env}, later ones winning).
 */
final class KubernetesManifests {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path DIR = REPO.resolve("docker/k8s");
  /** What the downward API gives a pod here: the values a test pod would have. */
  static final Map<String, String> POD_FIELDS = Map.of("metadata.name", "robogrid-runner-5c9f7-x2kqp", "metadata.namespace", "grid",
      "status.podIP", "10.244.1.7");

  final List<Map<String, Object>> documents = new ArrayList<>();
  final Map<String, String> secret = new LinkedHashMap<>();

  KubernetesManifests() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          if (doc != null) documents.add(map(doc));
        }
      }
    }
    Map<String, Object> s = map(new Yaml().load(Files.readString(DIR.resolve("examples/secret.yaml"))));
    map(s.get("stringData")).forEach((k, v) -> secret.put(k, String.valueOf(v)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    if (!(o instanceof Map)) throw new AssertionError("expected a mapping, found " + o);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  static Object at(Object o, String... path) {
    for (String p : path) o = o == null ? null : map(o).get(p);
    return o;
  }

  List<Map<String, Object>> ofKind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  Map<String, Object> get(String kind, String name) {
    return ofKind(kind).stream().filter(d -> name.equals(at(d, "metadata", "name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + DIR));
  }

  static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(at(workload, "spec", "template", "spec"));
  }

  static Map<String, Object> container(Map<String, Object> workload) {
    List<Object> containers = list(podSpec(workload).get("containers"));
    if (containers.size() != 1) throw new AssertionError("one container per pod: a node is one JVM");
    return map(containers.get(0));
  }

  /** The container's environment as the node process sees it. */
  Map<String, String> environment(Map<String, Object> container) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(imageEnvironment());
    for (Object from : list(container.get("envFrom"))) {
      Object cm = at(from, "configMapRef", "name");
      if (cm == null) throw new AssertionError("envFrom other than a ConfigMap: " + from);
      map(get("ConfigMap", String.valueOf(cm)).get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (Object e : list(container.get("env"))) {
      String name = String.valueOf(at(e, "name"));
      Object value = at(e, "value");
      if (value != null) {
        env.put(name, String.valueOf(value));
      } else if (at(e, "valueFrom", "secretKeyRef") != null) {
        if (!"robogrid".equals(at(e, "valueFrom", "secretKeyRef", "name"))) throw new AssertionError(name + ": from another Secret than robogrid");
        String key = String.valueOf(at(e, "valueFrom", "secretKeyRef", "key"));
        if (!secret.containsKey(key)) throw new AssertionError(name + ": the Secret has no key " + key);
        env.put(name, secret.get(key));
      } else if (at(e, "valueFrom", "configMapKeyRef") != null) {
        Map<String, Object> ref = map(at(e, "valueFrom", "configMapKeyRef"));
        env.put(name, String.valueOf(map(get("ConfigMap", String.valueOf(ref.get("name"))).get("data")).get(ref.get("key"))));
      } else if (at(e, "valueFrom", "fieldRef") != null) {
        String field = String.valueOf(at(e, "valueFrom", "fieldRef", "fieldPath"));
        if (!POD_FIELDS.containsKey(field)) throw new AssertionError(name + ": field " + field + " is not one this test knows");
        env.put(name, POD_FIELDS.get(field));
      } else {
        throw new AssertionError(name + ": a value this test cannot resolve: " + e);
      }
    }
    return env;
  }

  /** The ENV of docker/Dockerfile's runtime stage (the one after the last FROM). */
  static Map<String, String> imageEnvironment() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(REPO.resolve("docker/Dockerfile"))) {
      if (line.startsWith("FROM ")) env.clear();
      if (!line.startsWith("ENV ")) continue;
      for (String kv : line.substring(4).trim().split("\\s+")) {
        int eq = kv.indexOf('=');
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return env;
  }

  /** The containerPort named {@code port} (or the number itself). */
  static int containerPort(Map<String, Object> container, Object port) {
    if (port instanceof Integer n) return n;
    return list(container.get("ports")).stream().filter(p -> port.equals(at(p, "name"))).map(p -> (Integer) at(p, "containerPort")).findFirst()
        .orElseThrow(() -> new AssertionError("the container has no port named " + port));
  }
}
