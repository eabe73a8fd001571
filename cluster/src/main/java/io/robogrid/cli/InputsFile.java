package io.robogrid.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The inputs of {@code run-now --inputs}: a JSON array of objects, or one object per line (blank lines skipped). */
final class InputsFile {
  private InputsFile() {}

  static List<JsonObject> read(String file) throws IOException {
    String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
    List<JsonObject> out = new ArrayList<>();
    try {
      if (text.stripLeading().startsWith("[")) {
        for (Object o : new JsonArray(text)) {
          if (!(o instanceof JsonObject j)) throw new CliFailure(ExitCodes.USAGE, file + ": every input must be a JSON object");
          out.add(j);
        }
      } else {
        int n = 0;
        for (String line : text.split("\n")) {
          n++;
          if (line.isBlank()) continue;
          try {
            out.add(new JsonObject(line));
          } catch (DecodeException e) {
            throw new CliFailure(ExitCodes.USAGE, file + ":" + n + ": not a JSON object");
          }
        }
      }
    } catch (DecodeException e) {
      throw new CliFailure(ExitCodes.USAGE, file + ": not a JSON array of objects");
    }
    if (out.isEmpty()) throw new CliFailure(ExitCodes.USAGE, file + ": no inputs");
    return out;
  }
}
