package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid token create|list|revoke}: API tokens (admin). A new token's value is printed once, here. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list or revoke API tokens (needs an admin token).",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {
  @ParentCommand
  RoboGridCli cli;

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token and print it: it is shown this once only.")
  static final class Create implements Callable<Integer> {
    @ParentCommand
    TokenCommand parent;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator, viewer or agent.")
    String role;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what uses it (shown as who approved, set a secret…).")
    String name;

    @Override
    public Integer call() {
      JsonObject t = parent.cli.api().post("/tokens", new JsonObject().put("name", name).put("role", role));
      parent.cli.print(t, () -> parent.cli.out().println(t.getString("token")));
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens (names and roles, never values).")
  static final class ListTokens implements Callable<Integer> {
    @ParentCommand
    TokenCommand parent;

    @Override
    public Integer call() {
      JsonObject answer = parent.cli.api().get("/tokens");
      parent.cli.print(answer, () -> {
        Table t = new Table("NAME", "ROLE", "CREATED", "REVOKED");
        for (Object o : answer.getJsonArray("tokens", new JsonArray())) {
          JsonObject k = (JsonObject) o;
          t.row(k.getString("name"), k.getString("role"), k.getString("createdAt"), k.getString("revokedAt"));
        }
        t.print(parent.cli.out());
      });
      return ExitCodes.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it stops working within 10 s on every node.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand
    TokenCommand parent;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      JsonObject answer = parent.cli.api().delete("/tokens/" + ApiClient.encode(name));
      parent.cli.print(answer, () -> parent.cli.out().println(name + " revoked"));
      return ExitCodes.OK;
    }
  }
}
