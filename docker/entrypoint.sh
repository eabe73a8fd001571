#!/bin/sh
# Binds Hazelcast and the event bus to the container's own address unless told otherwise, then runs the node as PID 1
# so that SIGTERM from 'docker stop' reaches it and running jobs are handed back.
set -e
: "${ROBOGRID_CLUSTER_HOST:=$(hostname -i | awk '{print $1}')}"
export ROBOGRID_CLUSTER_HOST
exec java --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED ${ROBOGRID_JAVA_OPTS:-} \
  -cp "/opt/robogrid/cluster/target/robogrid.jar:/opt/robogrid/cluster/target/lib/*" io.robogrid.node.NodeMain
