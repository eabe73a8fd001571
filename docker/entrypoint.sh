#!/bin/sh
# Binds Hazelcast and the event bus to the container's own address unless told otherwise, then starts the node with
# scripts/run, exactly as on a machine (same JVM options, same ROBOGRID_* settings). exec keeps the node PID 1, so
# that SIGTERM from 'docker stop' reaches it and running jobs are handed back.
set -e
: "${ROBOGRID_CLUSTER_HOST:=$(hostname -i | awk '{print $1}')}"
export ROBOGRID_CLUSTER_HOST
exec /opt/robogrid/scripts/run "$@"
