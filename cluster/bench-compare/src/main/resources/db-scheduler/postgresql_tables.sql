-- db-scheduler's table for PostgreSQL, as its repository gives it at tag v16.12.0
-- (db-scheduler/src/test/resources/postgresql_tables.sql, Apache License 2.0): the jar does not ship it.
create table if not exists scheduled_tasks (
  task_name text not null,
  task_instance text not null,
  task_data bytea,
  execution_time timestamp with time zone not null,
  picked BOOLEAN not null,
  picked_by text,
  last_success timestamp with time zone,
  last_failure timestamp with time zone,
  consecutive_failures INT,
  last_heartbeat timestamp with time zone,
  version BIGINT not null,
  priority SMALLINT,
  PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX if not exists execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX if not exists last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX if not exists priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
