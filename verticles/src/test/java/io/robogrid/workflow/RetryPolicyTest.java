package io.robogrid.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final int SAMPLES = 2_000;

  private static RetryPolicy policy(long backoffMs, long maxBackoffMs) {
    return new RetryPolicy(5, Duration.ofMillis(backoffMs), Duration.ofMillis(maxBackoffMs));
  }

  /** Every sample lies in [capped/2, capped]; both halves of the range are actually reached. */
  private static void assertEqualJitter(RetryPolicy p, int nextTry, long cappedMs) {
    Random random = new Random(42);
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    for (int i = 0; i < SAMPLES; i++) {
      long d = p.delayBefore(nextTry, random).toMillis();
      assertTrue(d >= cappedMs / 2 && d <= cappedMs, "try " + nextTry + ": " + d + "ms outside [" + cappedMs / 2 + ", " + cappedMs + "]");
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    long quarter = (cappedMs - cappedMs / 2) / 4;
    assertTrue(min < cappedMs / 2 + quarter, "jitter never came near the low bound: min " + min);
    assertTrue(max > cappedMs - quarter, "jitter never came near the high bound: max " + max);
  }

  @Test
  void firstRetryWaitsBetweenHalfAndAllOfTheBackoff() {
    assertEqualJitter(policy(1_000, 60_000), 2, 1_000);
  }

  @Test
  void delayDoublesWithEachFurtherTry() {
    RetryPolicy p = policy(1_000, 600_000);
    assertEqualJitter(p, 3, 2_000);
    assertEqualJitter(p, 4, 4_000);
    assertEqualJitter(p, 6, 16_000);
  }

  @Test
  void delayIsCappedByMaxBackoff() {
    RetryPolicy p = policy(1_000, 5_000);
    assertEqualJitter(p, 4, 4_000);
    assertEqualJitter(p, 5, 5_000); // 8s capped to 5s
    assertEqualJitter(p, 40, 5_000); // a huge exponent does not overflow
  }

  @Test
  void sameSeedGivesTheSameDelays() {
    RetryPolicy p = policy(1_000, 60_000);
    Random a = new Random(7), b = new Random(7);
    for (int i = 2; i < 12; i++) assertEquals(p.delayBefore(i, a), p.delayBefore(i, b));
  }

  @Test
  void zeroBackoffMeansNoWait() {
    assertEquals(Duration.ZERO, policy(0, 0).delayBefore(3, new Random(1)));
  }

  @Test
  void allowsAnotherTryOnlyBelowMaxAttempts() {
    RetryPolicy p = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertTrue(p.allowsAnotherTry(2));
    assertFalse(p.allowsAnotherTry(3));
  }

  @Test
  void parseOfAbsentValueIsNone() {
    Problems problems = new Problems();
    assertSame(RetryPolicy.NONE, RetryPolicy.parse(null, "retry", problems));
    assertTrue(problems.isEmpty());
  }

  @Test
  void parseReadsAllFields() {
    Problems problems = new Problems();
    RetryPolicy p = RetryPolicy.parse(new JsonObject().put("maxAttempts", 4).put("backoff", "2s").put("maxBackoff", "1m"), "retry", problems);
    assertEquals(List.of(), problems.items());
    assertEquals(new RetryPolicy(4, Duration.ofSeconds(2), Duration.ofMinutes(1)), p);
  }

  @Test
  void maxBackoffDefaultsToBackoffWhenBackoffExceedsTheDefaultCap() {
    Problems problems = new Problems();
    RetryPolicy p = RetryPolicy.parse(new JsonObject().put("backoff", "2m"), "retry", problems);
    assertEquals(List.of(), problems.items());
    assertEquals(Duration.ofMinutes(2), p.maxBackoff());
  }

  @Test
  void nonObjectRetryIsAProblem() {
    Problems problems = new Problems();
    RetryPolicy.parse("3 times", "wf.retry", problems);
    assertEquals(1, problems.items().size());
    assertTrue(problems.items().get(0).startsWith("wf.retry: must be an object"), problems.items().toString());
  }

  @Test
  void badMaxAttemptsIsAProblemAtItsPath() {
    for (Object bad : List.of(0, -1, 101, 2.5, "3")) {
      Problems problems = new Problems();
      RetryPolicy p = RetryPolicy.parse(new JsonObject().put("maxAttempts", bad), "wf.retry", problems);
      assertEquals(List.of("wf.retry.maxAttempts: must be a whole number from 1 to 100"), problems.items(), "for " + bad);
      assertEquals(1, p.maxAttempts());
    }
  }

  @Test
  void badBackoffIsAProblemAtItsPath() {
    Problems problems = new Problems();
    RetryPolicy.parse(new JsonObject().put("backoff", "soon"), "wf.retry", problems);
    assertEquals(List.of("wf.retry.backoff: 'soon' is not a duration (use 500ms, 5s, 2m, 1h or ISO-8601 like PT5S)"), problems.items());
  }

  @Test
  void nonStringBackoffIsAProblem() {
    Problems problems = new Problems();
    RetryPolicy.parse(new JsonObject().put("backoff", 5), "wf.retry", problems);
    assertEquals(List.of("wf.retry.backoff: must be a duration string like \"5s\""), problems.items());
  }

  @Test
  void maxBackoffShorterThanBackoffIsAProblem() {
    Problems problems = new Problems();
    RetryPolicy.parse(new JsonObject().put("backoff", "10s").put("maxBackoff", "5s"), "wf.retry", problems);
    assertEquals(List.of("wf.retry.maxBackoff: is shorter than backoff"), problems.items());
  }

  @Test
  void unknownRetryFieldIsAProblem() {
    Problems problems = new Problems();
    RetryPolicy.parse(new JsonObject().put("maxAttempts", 2).put("jitter", true), "wf.retry", problems);
    assertEquals(List.of("wf.retry.jitter: unknown field"), problems.items());
  }

  @Test
  void jsonRoundTripKeepsThePolicy() {
    RetryPolicy p = new RetryPolicy(7, Duration.ofMillis(1500), Duration.ofMinutes(2));
    assertEquals(p, RetryPolicy.fromJson(p.toJson()));
    assertSame(RetryPolicy.NONE, RetryPolicy.fromJson(null));
  }
}
