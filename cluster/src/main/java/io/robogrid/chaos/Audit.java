package io.robogrid.chaos;

import io.robogrid.chaos.Load.Accepted;
import io.robogrid.chaos.Target.Hit;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database says about a scenario's jobs once the grid is quiet, checked against what the load was promised
 * (every 201) and what the target saw. Plain JDBC against the node's (or the shared) PostgreSQL.
 * <p>
 * <b>Lost</b>: a job that got a 201 and is missing, not in a final state at the end, or FAILED with {@code NODE_LOST}
 * (its attempts were lost more often than the grid forgives). <b>Duplicated</b>: a job with more than one SUCCEEDED
 * attempt, more than one {@code job.state} event to a final state, two attempts whose running times overlap in the
 * database, or side effects on the target that overlap in time or come from an attempt after it was given up (its
 * node's attempt had ended LOST or HANDED_BACK more than a second before). <b>Wrong</b>: final, but not in the state
 * its kind must end in (a retry budget spent by the fault, a failure turned into a success). <b>Re-executed</b> (a
 * figure, not a defect): a job whose side effect the target saw more than once, one after the other (a lost attempt
 * done again: at-least-once delivery).
 */
final class Audit {
  record Figures(int accepted, int finished, int lost, int duplicated, int wrong, int reexecuted, int affected, int leases, int stuckTransactions,
                 int activeOthers, Double recoverSeconds, Double affectedDoneSeconds, List<String> problems) {}

  private final String jdbc;

  Audit(String jdbcUrl) {
    this.jdbc = jdbcUrl;
  }

  static String embedded(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=3&socketTimeout=30";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbc);
  }

  /** How many of {@code jobs} are not final yet (-1 when the database cannot be reached). */
  int unfinished(List<Accepted> jobs) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
        "SELECT count(*) FROM jobs WHERE id = ANY(?) AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED')")) {
      s.setArray(1, ids(c, jobs));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return jobs.size() - r.getInt(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Waits until every accepted job is final, or {@code within} passed. */
  void drain(List<Accepted> jobs, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline && unfinished(jobs) != 0) Thread.sleep(250);
  }

  /**
   * The audit. {@code recoverFrom}: when the grid was hurt (or healed, for a fault that lasts); recovery is from then
   * to the first attempt started after it that finished. {@code faultAt}: when the fault began, for the affected jobs.
   */
  Figures check(List<Accepted> jobs, Target target, Instant faultAt, Instant recoverFrom) throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<String, Accepted> byId = new LinkedHashMap<>();
    for (Accepted a : jobs) byId.put(a.id(), a);
    int finished = 0, lost = 0, wrong = 0, reexecuted = 0, affected = 0;
    java.util.Set<String> duplicated = new java.util.TreeSet<>();
    try (Connection c = connect()) {
      Array ids = ids(c, jobs);
      Map<String, String[]> state = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id::text, state, coalesce(error->>'code', ''), attempt, lost_attempts FROM jobs WHERE id = ANY(?)")) {
        s.setArray(1, ids);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) state.put(r.getString(1), new String[] {r.getString(2), r.getString(3), r.getString(4), r.getString(5)});
        }
      }
      Map<String, List<Object[]>> attempts = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT job_id::text, attempt, state, coalesce(node, ''), started_at, finished_at FROM attempts WHERE job_id = ANY(?) ORDER BY job_id, attempt")) {
        s.setArray(1, ids);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            attempts.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                .add(new Object[] {r.getInt(2), r.getString(3), r.getString(4), r.getTimestamp(5), r.getTimestamp(6)});
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("SELECT job_id::text, count(*) FROM events WHERE job_id = ANY(?) AND type = 'job.state'"
          + " AND data->>'to' IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED') GROUP BY job_id HAVING count(*) > 1")) {
        s.setArray(1, ids);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) note(problems, duplicated, r.getString(1), "ended " + r.getInt(2) + " times (job.state events to a final state)");
        }
      }
      for (Accepted a : jobs) {
        String[] st = state.get(a.id());
        if (st == null) {
          lost++;
          problems.add(a.id() + " (" + a.kind() + "): accepted with 201 but not in the database");
          continue;
        }
        boolean done = List.of("SUCCEEDED", "FAILED", "CANCELLED", "REJECTED").contains(st[0]);
        if (!done) {
          lost++;
          problems.add(a.id() + " (" + a.kind() + "): still " + st[0] + " at the end (attempt " + st[2] + ")");
          continue;
        }
        finished++;
        if (st[0].equals("FAILED") && st[1].equals("NODE_LOST")) {
          lost++;
          problems.add(a.id() + " (" + a.kind() + "): FAILED with NODE_LOST after " + st[3] + " lost attempts");
        } else if (!st[0].equals(a.kind().expected)) {
          wrong++;
          problems.add(a.id() + " (" + a.kind() + "): ended " + st[0] + " " + st[1] + ", expected " + a.kind().expected);
        }
        List<Object[]> att = attempts.getOrDefault(a.id(), List.of());
        long succeeded = att.stream().filter(x -> "SUCCEEDED".equals(x[1])).count();
        if (succeeded > 1) note(problems, duplicated, a.id(), succeeded + " SUCCEEDED attempts");
        // affected: an attempt lost to the fault (a hand-back is routine: a runner refusing a job two routers promised it)
        boolean hit = att.stream().anyMatch(x -> "LOST".equals(x[1]) && x[4] != null
            && !((Timestamp) x[4]).toInstant().isBefore(faultAt.minusSeconds(1)));
        if (hit) affected++;
        for (int i = 0; i < att.size(); i++) {
          for (int k = i + 1; k < att.size(); k++) {
            Timestamp s1 = (Timestamp) att.get(i)[3], e1 = (Timestamp) att.get(i)[4], s2 = (Timestamp) att.get(k)[3];
            if (s1 != null && s2 != null && (e1 == null || s2.before(e1))) {
              note(problems, duplicated, a.id(), "attempts " + att.get(i)[0] + " and " + att.get(k)[0] + " ran at the same time");
            }
          }
        }
        if (a.kind().touchesTarget()) reexecuted += sideEffects(a, target.effects(a.key()), att, problems, duplicated);
      }
      int leases = count(c, "SELECT count(*) FROM leases");
      if (leases > 0) problems.add(leases + " lease rows left: " + list(c, "SELECT resource || ' ' || job_id || '#' || attempt FROM leases"));
      int stuck = count(c, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND now() - xact_start > interval '5 seconds'");
      if (stuck > 0) problems.add(stuck + " database sessions idle in a transaction for over 5 s (locks held)");
      int active = count(c, "SELECT count(*) FROM jobs WHERE state IN ('CLAIMED', 'RUNNING')");
      if (active > 0) problems.add(active + " jobs (accepted or not) still CLAIMED or RUNNING: " + list(c, "SELECT id || ' ' || state || ' on ' || coalesce(node, '?') FROM jobs WHERE state IN ('CLAIMED', 'RUNNING') LIMIT 5"));
      Double recover = seconds(c, "SELECT min(finished_at) FROM attempts WHERE started_at >= ? AND state IN ('SUCCEEDED', 'FAILED')", recoverFrom, null);
      Double affectedDone = affected == 0 ? null : seconds(c, "SELECT max(j.finished_at) FROM jobs j WHERE j.id = ANY(?) AND EXISTS (SELECT 1 FROM attempts a"
          + " WHERE a.job_id = j.id AND a.state = 'LOST' AND a.finished_at >= ?::timestamptz - interval '1 second')", faultAt, ids);
      return new Figures(jobs.size(), finished, lost, duplicated.size(), wrong, reexecuted, affected, leases, stuck, active, recover, affectedDone, problems);
    }
  }

  /**
   * The target's view of one job: side effects overlapping in time ran at once; one made by a node after its attempt
   * of this job had been given up (ended LOST or HANDED_BACK over a second earlier) was done by a stale attempt beside
   * the next one. Answers 1 when the job's work was done more than once, one after the other.
   */
  private static int sideEffects(Accepted a, List<Hit> hits, List<Object[]> att, List<String> problems, java.util.Set<String> duplicated) {
    for (int i = 1; i < hits.size(); i++) {
      if (hits.get(i).startMs() < hits.get(i - 1).endMs()) {
        note(problems, duplicated, a.id(), "side effects at once on the target from " + hits.get(i - 1).node() + " and " + hits.get(i).node());
      }
    }
    for (Hit h : hits) {
      for (Object[] x : att) {
        Timestamp end = (Timestamp) x[4];
        boolean givenUp = "LOST".equals(x[1]) || "HANDED_BACK".equals(x[1]);
        if (givenUp && end != null && h.node().equals(x[2]) && h.startMs() > end.getTime() + 1000
            && att.stream().noneMatch(y -> (int) y[0] > (int) x[0] && h.node().equals(y[2]) && y[3] != null && ((Timestamp) y[3]).getTime() <= h.startMs())) {
          note(problems, duplicated, a.id(), "a side effect from " + h.node() + " " + (h.startMs() - end.getTime()) + " ms after its attempt " + x[0]
              + " was given up (" + x[1] + ")");
        }
      }
    }
    return hits.size() > 1 ? 1 : 0;
  }

  private static void note(List<String> problems, java.util.Set<String> duplicated, String id, String what) {
    duplicated.add(id);
    problems.add(id + ": " + what);
  }

  private static Array ids(Connection c, List<Accepted> jobs) throws SQLException {
    return c.createArrayOf("uuid", jobs.stream().map(a -> java.util.UUID.fromString(a.id())).toArray());
  }

  static int count(Connection c, String sql) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  private static String list(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      while (r.next()) out.add(r.getString(1));
    }
    return String.join(", ", out);
  }

  /** Seconds from {@code from} to the instant the query answers; its parameters: {@code ids} first when given, then {@code from}. */
  private static Double seconds(Connection c, String sql, Instant from, Array ids) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      if (ids != null) s.setArray(i++, ids);
      s.setTimestamp(i, Timestamp.from(from));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        Timestamp t = r.getTimestamp(1);
        return t == null ? null : Duration.between(from, t.toInstant()).toMillis() / 1000.0;
      }
    }
  }
}
