package io.robogrid.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Approval gates on a whole node: nothing of a job runs before a person approves it; rejected and expired ones end REJECTED. */
@ExtendWith(VertxExtension.class)
class ApprovalTest {
  private static final String ROBOTS = """
      {"robots": [
        {"name": "payout", "requiresApproval": true, "steps": [{"id": "pay", "type": "log", "with": {"message": "paying"}}]},
        {"name": "hurry", "requiresApproval": true, "approvalTimeout": "1s", "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  private static List<String> types(TestGrid grid, String id) {
    return grid.events(id).getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")).toList();
  }

  @Test
  void nothingRunsBeforeApprovalAndTheApproverIsRecorded(Vertx vertx) throws Exception {
    TestGrid grid = TestGrid.start(vertx, ROBOTS, 4);
    String id = grid.submit(new JsonObject().put("robot", "payout")).getString("id");
    assertEquals("WAITING_APPROVAL", grid.job(id).getString("state"));
    Thread.sleep(1_500); // a dispatcher pass (and more) goes by
    assertEquals("WAITING_APPROVAL", grid.job(id).getString("state"));
    assertEquals(List.of("job.state"), types(grid, id), "no step started, no attempt");

    String ana = grid.token("ana", "operator");
    var approved = grid.call(io.vertx.core.http.HttpMethod.POST, "/api/v1/jobs/" + id + "/approve",
        new JsonObject().put("comment", "checked the amount").encode(), ana);
    assertEquals(200, approved.statusCode(), approved.bodyAsString());
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(20), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"));
    JsonObject approval = done.getJsonObject("approval");
    assertEquals("approved", approval.getString("decision"));
    assertEquals("ana", approval.getString("by"));
    assertEquals("checked the amount", approval.getString("comment"));
    assertTrue(Instant.parse(approval.getString("at")).isBefore(Instant.parse(done.getString("startedAt"))));

    var again = grid.post("/api/v1/jobs/" + id + "/approve", null);
    assertEquals(409, again.statusCode(), "a finished job cannot be approved: " + again.bodyAsString());
    assertEquals("JOB_FINISHED", again.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void aRejectedJobEndsRejectedWithItsReasonAndARejectionNeedsOne(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, ROBOTS, 4);
    String id = grid.submit(new JsonObject().put("robot", "payout")).getString("id");
    var noReason = grid.post("/api/v1/jobs/" + id + "/reject", new JsonObject());
    assertEquals(400, noReason.statusCode());
    assertEquals("reason: is required (why it is rejected: the job fails with it as its error message)", noReason.bodyAsJsonObject().getJsonObject("error").getString("message"));
    var rejected = grid.call(io.vertx.core.http.HttpMethod.POST, "/api/v1/jobs/" + id + "/reject",
        new JsonObject().put("reason", "duplicate payment").encode(), grid.token("ben", "operator"));
    assertEquals(200, rejected.statusCode(), rejected.bodyAsString());
    JsonObject job = grid.job(id);
    assertEquals("REJECTED", job.getString("state"));
    assertEquals(new JsonObject().put("code", "REJECTED").put("message", "duplicate payment").put("recoverable", false), job.getJsonObject("error"));
    assertEquals("ben", job.getJsonObject("approval").getString("by"));
    assertEquals("rejected", job.getJsonObject("approval").getString("decision"));
    assertTrue(!types(grid, id).contains("step.started"));

    String plain = grid.submit(TestGrid.inline(null, TestGrid.step("s", "wait", new JsonObject().put("duration", "2s")))).getString("id");
    var notWaiting = grid.post("/api/v1/jobs/" + plain + "/approve", null);
    assertEquals(400, notWaiting.statusCode());
    assertTrue(notWaiting.bodyAsJsonObject().getJsonObject("error").getString("message").contains("is not waiting for approval"));
  }

  @Test
  void aJobNotApprovedBeforeItsDeadlineIsRejected(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, ROBOTS, 4);
    String id = grid.submit(new JsonObject().put("robot", "hurry")).getString("id");
    assertTrue(grid.job(id).getJsonObject("approval").containsKey("deadline"));
    JsonObject job = grid.awaitState(id, Duration.ofSeconds(15), "REJECTED");
    assertEquals("expired", job.getJsonObject("approval").getString("decision"));
    assertEquals("approvalTimeout", job.getJsonObject("approval").getString("by"));
    assertEquals("REJECTED", job.getJsonObject("error").getString("code"));
  }
}
