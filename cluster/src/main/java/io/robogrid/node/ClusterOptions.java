package io.robogrid.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The {@code cluster} section: the cluster's name, the interface and port this node binds, and how it finds the other
 * members: {@code tcp} (the default: the members listed one by one) or {@code kubernetes} (Hazelcast's built-in
 * discovery, DNS lookup of the headless service that lists the grid's pods).
 */
record ClusterOptions(String name, String host, int port, Discovery discovery, List<String> members, String serviceDns) {
  enum Discovery { TCP, KUBERNETES }

  static ClusterOptions fromJson(JsonObject c) {
    String host = c.getString("host", "127.0.0.1");
    int port = c.getInteger("port", 5701);
    if (port < 1 || port > 65535) throw new IllegalArgumentException("cluster.port (ROBOGRID_CLUSTER_PORT): " + port + " is not a port");
    String d = c.getString("discovery", "tcp");
    Discovery discovery = switch (d == null ? "tcp" : d.strip().toLowerCase(Locale.ROOT)) {
      case "tcp" -> Discovery.TCP;
      case "kubernetes" -> Discovery.KUBERNETES;
      default -> throw new IllegalArgumentException("cluster.discovery (ROBOGRID_CLUSTER_DISCOVERY): must be tcp or kubernetes, not '" + d + "'");
    };
    List<String> members = c.getJsonArray("members", new JsonArray()).stream().map(String::valueOf).toList();
    for (String m : members) {
      if (m.matches(".*:\\d+-\\d+$")) throw new IllegalArgumentException("cluster.members: list members one by one, not as a port range ('" + m + "')");
    }
    String dns = c.getString("serviceDns");
    dns = dns == null || dns.isBlank() ? null : dns.strip();
    if (discovery == Discovery.KUBERNETES) {
      if (dns == null) throw new IllegalArgumentException("cluster.discovery is kubernetes but cluster.serviceDns (ROBOGRID_CLUSTER_SERVICE_DNS) is not set:"
          + " give the DNS name of the headless service that lists the grid's pods (e.g. robogrid-cluster)");
      if (!members.isEmpty()) throw new IllegalArgumentException("cluster.members (ROBOGRID_CLUSTER_MEMBERS) is for tcp discovery:"
          + " with kubernetes the members are the addresses cluster.serviceDns resolves to; set one or the other");
    } else if (dns != null) {
      // without this a node told where its grid is, but not to look there, would run alone without a word
      throw new IllegalArgumentException("cluster.serviceDns (ROBOGRID_CLUSTER_SERVICE_DNS) is set but cluster.discovery is tcp:"
          + " set ROBOGRID_CLUSTER_DISCOVERY=kubernetes, or drop the service name");
    }
    return new ClusterOptions(c.getString("name", "robogrid"), host, port, discovery, members, dns);
  }
}
