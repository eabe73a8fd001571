package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Three coordinator nodes share one PostgreSQL and fire a schedule with a seconds field while they are killed and
 * started again: every second gets exactly one job, with no leader among them.
 */
class ScheduleClusterTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "tick", "schedule": {"cron": "* * * * * *", "catchUp": "all"}, "requires": ["nobody-offers-this"],
        "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";

  @Test
  void aSecondsScheduleCreatesExactlyOneJobPerTickWhileCoordinatorsComeAndGo() throws Exception {
    try (TestCluster cluster = new TestCluster(ROBOTS).sharedDatabase()) {
      NodeProcess a = cluster.node("coordinator,web", null).start();
      NodeProcess b = cluster.node("coordinator,web", null).start();
      NodeProcess c = cluster.node("coordinator,web", null).start();
      Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
      Thread.sleep(3_000);
      a.kill9();                               // one dies mid-schedule
      Thread.sleep(2_000);
      b.terminate(Duration.ofSeconds(20));     // another stops gracefully: c alone fires
      Thread.sleep(2_000);
      a.start();                               // and they come back
      b.start();
      Thread.sleep(3_000);
      Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(2);

      // the last ticks of the window are in once every second has a job (or, if one never comes, after 30 s)
      Map<Instant, Integer> perTick = perTick(cluster.jdbcUrl());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!perTick.keySet().containsAll(seconds(from, until)) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        perTick = perTick(cluster.jdbcUrl());
      }
      List<String> wrong = new ArrayList<>();
      for (Instant t : seconds(from, until)) {
        int n = perTick.getOrDefault(t, 0);
        if (n != 1) wrong.add(t + ": " + n + " jobs");
      }
      assertTrue(seconds(from, until).size() >= 10, "the window is " + seconds(from, until).size() + " s");
      assertEquals(List.of(), wrong, "every second from " + from + " to " + until + " has exactly one job");
      assertTrue(perTick.values().stream().allMatch(n -> n == 1), "no fire time has two jobs: " + perTick);
      JsonObject robot = new Api(c.url()).get("/api/v1/robots/tick");
      assertEquals(false, robot.getJsonObject("schedule").getBoolean("paused"));
      assertTrue(Instant.parse(robot.getJsonObject("schedule").getString("nextFire")).isAfter(until), robot.encodePrettily());
    }
  }

  /** How many jobs each fire time of the schedule has. */
  private static Map<Instant, Integer> perTick(String jdbc) throws Exception {
    Map<Instant, Integer> perTick = new TreeMap<>();
    try (Connection conn = DriverManager.getConnection(jdbc);
         ResultSet r = conn.createStatement().executeQuery("SELECT schedule_key FROM jobs WHERE robot = 'tick'")) {
      while (r.next()) perTick.merge(Instant.parse(r.getString(1).substring("tick@".length())), 1, Integer::sum);
    }
    return perTick;
  }

  private static List<Instant> seconds(Instant from, Instant until) {
    List<Instant> all = new ArrayList<>();
    for (Instant t = from; !t.isAfter(until); t = t.plusSeconds(1)) all.add(t);
    return all;
  }
}
