package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The migrations are listed by hand (a jar's resources cannot be listed portably): a file left off is never applied. */
class MigrationsTest {
  @Test
  void everyMigrationFileIsListedInOrder() throws IOException, URISyntaxException {
    Path dir = Path.of(Migrations.class.getResource("/db/V001__jobs.sql").toURI()).getParent();
    try (Stream<Path> files = Files.list(dir)) {
      List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d{3}__.*\\.sql")).sorted().toList();
      assertEquals(onDisk, Migrations.FILES, "db/ holds migrations that Migrations.FILES does not list (or lists out of order)");
    }
  }
}
