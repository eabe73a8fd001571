package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code robogrid run-now}: submits a job for a robot to run as soon as a runner is free; with {@code --count N} or
 * {@code --inputs FILE}, many jobs through {@code POST /jobs:batch} (1,000 to a request, each request all or nothing).
 */
@Command(name = "run-now", mixinStandardHelpOptions = true, description = "Submit a job (or many) for a robot; print '<jobId> <STATE>' for each.")
final class RunNowCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "ROBOT", description = "The robot's name (see list-robots).")
  String robot;

  @Option(names = "--input", paramLabel = "JSON", converter = JsonObjectConverter.class, description = "The job's input, a JSON object.")
  JsonObject input;

  @Option(names = "--priority", paramLabel = "N", description = "Overrides the robot's priority; higher runs first.")
  Integer priority;

  @Option(names = "--count", paramLabel = "N", description = "Submit N jobs with the same input (at most 1,000,000).")
  Integer count;

  @Option(names = "--inputs", paramLabel = "FILE", description = "Submit one job per input in FILE: a JSON array of objects, or one object per line ('-': standard input).")
  String inputs;

  @Mixin
  WaitOptions wait;

  static final int MAX_COUNT = 1_000_000;
  static final int PER_REQUEST = 1_000;

  @Override
  public Integer call() throws Exception {
    if (count == null && inputs == null) return JobWatch.follow(cli, cli.api().post("/jobs", request(input)), wait);
    if (count != null && inputs != null) throw new CliFailure(ExitCodes.USAGE, "give --count or --inputs, not both");
    if (count != null && (count < 1 || count > MAX_COUNT)) throw new CliFailure(ExitCodes.USAGE, "--count: from 1 to " + MAX_COUNT);
    if (inputs != null && input != null) throw new CliFailure(ExitCodes.USAGE, "--inputs gives every job its input: leave out --input");
    List<JsonObject> all = new ArrayList<>();
    if (count != null) for (int i = 0; i < count; i++) all.add(request(input));
    else for (JsonObject in : InputsFile.read(inputs)) all.add(request(in));
    List<JsonObject> created = new ArrayList<>(all.size());
    for (int from = 0; from < all.size(); from += PER_REQUEST) {
      JsonArray chunk = new JsonArray(new ArrayList<>(all.subList(from, Math.min(all.size(), from + PER_REQUEST))));
      cli.api().post("/jobs:batch", new JsonObject().put("jobs", chunk)).getJsonArray("jobs").forEach(j -> created.add((JsonObject) j));
    }
    return JobWatch.followAll(cli, created, wait);
  }

  private JsonObject request(JsonObject in) {
    JsonObject request = new JsonObject().put("robot", robot);
    if (in != null) request.put("input", in);
    if (priority != null) request.put("priority", priority);
    return request;
  }
}
