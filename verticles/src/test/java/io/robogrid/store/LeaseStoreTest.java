package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lease records against a real PostgreSQL: only the live RUNNING attempt may record a lease; the end of that
 * attempt (not a mere cancel request) deletes its leases in the same transition and logs {@code lease.released} with
 * how it ended; and the grid's read models ({@code queueDepth}, {@code activeByNode}) count what they should.
 */
@ExtendWith(VertxExtension.class)
class LeaseStoreTest {
  private static final String DESK = "desktop:desk1";
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final JobLifecycle lifecycle = new JobLifecycle(new Random(7));
  private Pool pool;
  private JobStore store;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new JobStore(pool);
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  private JobRecord submit(Instant runAt, String... requires) {
    JsonObject workflow = new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("id", "s").put("type", "set").put("with", new JsonObject())))
        .put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "1s"));
    NewJob job = new NewJob(UUID.randomUUID(), "r", workflow, new JsonObject(), new JsonObject().put("robot", "r"), List.of(requires),
        0, 3, runAt, null);
    return Await.result(store.insert(job, clock.instant())).job();
  }

  /** Claims a queued job that needs no more than {@code requires}; callers make sure only one such job is queued. */
  private JobRecord claim(String... requires) {
    List<JobStore.Claim> claims = Await.result(store.claim(1, List.of(requires), clock.instant()));
    assertEquals(1, claims.size(), "expected one job to claim");
    return claims.get(0).job();
  }

  /** A new job, claimed and started on {@code node}: attempt 1, RUNNING. */
  private JobRecord running(String node, String... requires) {
    submit(clock.instant(), requires);
    JobRecord job = claim(requires);
    Await.result(store.reports().markRunning(job.id, job.attempt, node, clock.instant()));
    return job;
  }

  private TransitionResult finish(JobRecord job, int attempt, Outcome outcome) {
    return Await.result(store.transition(job.id, attempt, clock.instant(), lifecycle.finish(outcome, clock.instant())));
  }

  private List<JobEvent> eventsOf(UUID job, String type) {
    return Await.result(store.events(0, job, 1000)).stream().filter(e -> e.type().equals(type)).toList();
  }

  private List<JsonObject> leases() {
    return Await.result(store.grid().leases()).stream().map(o -> (JsonObject) o).toList();
  }

  private static void assertReleased(JobEvent e, String resource, String node, String reason) {
    assertEquals(JobEvent.LEASE_RELEASED, e.type());
    assertEquals(new JsonObject().put("resource", resource).put("node", node).put("reason", reason), e.data());
  }

  private static void assertStale(Future<?> f) {
    Throwable e = Await.failure(f);
    assertTrue(e instanceof RoboGridException re && re.code() == ErrorCode.STALE_ATTEMPT, "expected STALE_ATTEMPT, got " + e);
  }

  @Test
  void theRunningAttemptRecordsItsLease() {
    JobRecord job = running("n1", DESK);
    Instant since = clock.instant();
    clock.advance(Duration.ofSeconds(1));

    List<JobEvent> events = Await.result(store.reports().leaseTaken(job.id, 1, DESK, "n1", since));
    assertEquals(1, events.size());
    JobEvent taken = events.get(0);
    assertEquals(JobEvent.LEASE_TAKEN, taken.type());
    assertEquals(1, taken.attempt());
    assertEquals(since, taken.at());
    assertEquals(new JsonObject().put("resource", DESK).put("node", "n1"), taken.data());
    assertEquals(List.of(taken), eventsOf(job.id, JobEvent.LEASE_TAKEN));

    assertEquals(List.of(new JsonObject().put("resource", DESK).put("node", "n1").put("jobId", job.id.toString()).put("attempt", 1)
        .put("since", since.toString())), leases());
  }

  @Test
  void aStaleAttemptCannotRecordALease() {
    JobRecord queued = submit(clock.instant(), DESK);
    assertStale(store.reports().leaseTaken(queued.id, 0, DESK, "n1", clock.instant()));
    JobRecord claimed = claim(DESK);
    assertEquals(JobState.CLAIMED, claimed.state);
    assertStale(store.reports().leaseTaken(claimed.id, 1, DESK, "n1", clock.instant()));

    Await.result(store.reports().markRunning(claimed.id, 1, "n1", clock.instant()));
    assertStale(store.reports().leaseTaken(claimed.id, 2, DESK, "n1", clock.instant()));
    // attempt 1 is lost and the job queued again: it no longer runs
    assertEquals(JobState.QUEUED, finish(claimed, 1, Outcome.lost("silent")).job().state);
    assertStale(store.reports().leaseTaken(claimed.id, 1, DESK, "n1", clock.instant()));
    // attempt 2 runs on another node: a late lease report of attempt 1 is still refused
    clock.advance(Duration.ofMinutes(5));
    Await.result(store.promoteDue(clock.instant(), 10));
    assertEquals(2, claim(DESK).attempt);
    Await.result(store.reports().markRunning(claimed.id, 2, "n2", clock.instant()));
    assertStale(store.reports().leaseTaken(claimed.id, 1, DESK, "n1", clock.instant()));

    assertEquals(List.of(), leases());
    assertEquals(List.of(), eventsOf(claimed.id, JobEvent.LEASE_TAKEN));
  }

  @Test
  void succeedingReleasesTheAttemptsLeasesAndNoOtherJobs() {
    JobRecord job = running("n1", "browser", DESK);
    JobRecord other = running("n1", "browser");
    Await.result(store.reports().leaseTaken(job.id, 1, DESK, "n1", clock.instant()));
    Await.result(store.reports().leaseTaken(job.id, 1, "browser:n1:1", "n1", clock.instant()));
    Await.result(store.reports().leaseTaken(other.id, 1, "browser:n1:2", "n1", clock.instant()));
    assertEquals(3, leases().size());

    TransitionResult r = finish(job, 1, Outcome.succeeded(new JsonObject()));
    assertEquals(JobState.SUCCEEDED, r.job().state);
    assertEquals(JobEvent.JOB_STATE, r.events().get(0).type());
    List<JobEvent> released = r.events().subList(1, r.events().size());
    assertEquals(2, released.size(), r.events().toString());
    List<JobEvent> sorted = released.stream().sorted((a, b) -> a.data().getString("resource").compareTo(b.data().getString("resource"))).toList();
    assertReleased(sorted.get(0), "browser:n1:1", "n1", "SUCCEEDED");
    assertReleased(sorted.get(1), DESK, "n1", "SUCCEEDED");
    released.forEach(e -> assertEquals(1, e.attempt()));
    assertEquals(Set.copyOf(released), Set.copyOf(eventsOf(job.id, JobEvent.LEASE_RELEASED)), "the released events were not stored as returned");

    assertEquals(List.of("browser:n1:2"), leases().stream().map(l -> l.getString("resource")).toList(), "another job's lease was touched");
  }

  @Test
  void aLostAttemptReleasesItsLeases() {
    JobRecord job = running("n1", DESK);
    Await.result(store.reports().leaseTaken(job.id, 1, DESK, "n1", clock.instant()));
    TransitionResult r = finish(job, 1, Outcome.lost("node n1 went silent"));
    assertEquals(JobState.QUEUED, r.job().state);
    assertEquals(2, r.events().size(), r.events().toString());
    assertReleased(r.events().get(1), DESK, "n1", "LOST");
    assertEquals(List.of(), leases());
  }

  @Test
  void aCancelRequestKeepsTheLeaseUntilTheAttemptEnds() {
    JobRecord job = running("n1", DESK);
    Await.result(store.reports().leaseTaken(job.id, 1, DESK, "n1", clock.instant()));

    TransitionResult requested = Await.result(store.transition(job.id, null, clock.instant(), lifecycle.cancel(clock.instant(), "stop")));
    assertEquals(JobState.RUNNING, requested.job().state);
    assertEquals(List.of("job.cancel-requested"), requested.events().stream().map(JobEvent::type).toList());
    assertEquals(1, leases().size(), "the lease was released while its attempt still runs");
    assertEquals(List.of(), eventsOf(job.id, JobEvent.LEASE_RELEASED));

    TransitionResult end = finish(job, 1, Outcome.cancelled("cancelled by request"));
    assertEquals(JobState.CANCELLED, end.job().state);
    assertEquals(2, end.events().size(), end.events().toString());
    assertReleased(end.events().get(1), DESK, "n1", "CANCELLED");
    assertEquals(List.of(), leases());
  }

  @Test
  void queueDepthCountsUnfinishedStatesAndQueuedJobsPerCapability() {
    running("n1", "http");
    JobRecord done = running("n1", "http");
    finish(done, 1, Outcome.succeeded(new JsonObject()));
    submit(clock.instant(), "agent:crm");
    submit(clock.instant(), "agent:crm", "http");
    submit(clock.instant(), DESK, "http");
    submit(clock.instant().plusSeconds(60), "agent:crm"); // PENDING: not queued yet
    JobRecord rejected = submit(clock.instant(), "http"); // finished: rejected at its approval gate (as the store leaves it)
    Await.result(pool.preparedQuery("UPDATE jobs SET state = 'REJECTED', finished_at = $2 WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(rejected.id, JobRecord.odt(clock.instant()))));

    JsonObject depth = Await.result(store.grid().queueDepth());
    assertEquals(new JsonObject().put("PENDING", 1L).put("QUEUED", 3L).put("CLAIMED", 0L).put("RUNNING", 1L).put("RETRY_WAIT", 0L).put("WAITING_APPROVAL", 0L).put("PAUSED", 0L),
        depth.getJsonObject("byState"));
    assertEquals(new JsonObject().put("agent:crm", 2L).put(DESK, 1L).put("http", 2L), depth.getJsonObject("queuedByCapability"));
  }

  @Test
  void queueDepthStopsCountingAtItsLimitAndSaysWhichCountsAreAtLeast() {
    for (int i = 0; i < 4; i++) submit(clock.instant(), "agent:crm");
    submit(clock.instant(), "agent:crm", "http");
    submit(clock.instant(), DESK);
    JsonObject depth = Await.result(store.grid().queueDepth(3));
    assertEquals(3L, depth.getJsonObject("byState").getLong("QUEUED"));
    // agent:crm: its set of 4 stops at 3, plus the set of 1 it shares with http
    assertEquals(new JsonObject().put("agent:crm", 4L).put(DESK, 1L).put("http", 1L), depth.getJsonObject("queuedByCapability"));
    assertEquals(new JsonObject().put("limit", 3).put("byState", new JsonArray().add("QUEUED")).put("queuedByCapability", new JsonArray().add("agent:crm")),
        depth.getJsonObject("capped"));
    assertNull(Await.result(store.grid().queueDepth()).getValue("capped"), "under the real limit every count is exact");
  }

  @Test
  void activeByNodeListsTheJobsEachNodeRuns() {
    JobRecord a = running("n1", "http");
    JobRecord b = running("n2", "http");
    JobRecord c = running("n1", "http");
    JobRecord finished = running("n2", "http");
    finish(finished, 1, Outcome.succeeded(new JsonObject()));
    submit(clock.instant(), "http");
    claim("http"); // claimed, not yet started: no node yet

    Map<String, Set<UUID>> byNode = Await.result(store.grid().activeByNode()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    assertEquals(Map.of("n1", Set.of(a.id, c.id), "n2", Set.of(b.id)), byNode);
  }
}
