package io.robogrid.store;

import java.util.List;

/** The job after a transition, and the events it wrote (empty when nothing changed). */
public record TransitionResult(JobRecord job, List<JobEvent> events) {}
