package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.store.NotificationStore;
import io.vertx.core.json.JsonObject;

/** {@code GET /api/v1/notifications?job=&limit=}: the notifier's outbox, newest first, what became of every send. */
final class NotificationsApi {
  private final NotificationStore store;

  NotificationsApi(NotificationStore store) {
    this.store = store;
  }

  void mount(ApiRoutes api) {
    api.get("/notifications", Role.VIEWER, ctx -> {
      String job = Params.one(ctx, "job");
      int limit = Params.intParam(ctx, "limit", 100, 1, 1000);
      JobsApi.answer(ctx, 200, store.list(job == null || job.isBlank() ? null : JobsApi.jobIdIn(job, "job"), limit)
          .map(list -> new JsonObject().put("notifications", list)));
    });
  }
}
