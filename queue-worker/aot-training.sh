#!/bin/sh
# Records the queue-worker's ahead-of-time cache (JDK 25), as the image build (queue-worker/Dockerfile) and
# benchmarks/run do: the worker runs as it will run (this java, this jar, the JVM options in JAVA_TOOL_OPTIONS, plus
# -XX:AOTCacheOutput, its rabbitmq broker profile) against the local stack's embedded broker and X sandbox, which
# publish 5,000 posts once the worker is ready and wait until each is answered; the worker is then stopped, and its
# JVM writes the cache.
#
#   JAVA_TOOL_OPTIONS="<the worker's options>" queue-worker/aot-training.sh <java> <queue-worker.jar> <local-stack.jar> <cache>
#
# Exits non-zero, with both logs' ends, when a post was not answered as posted or no cache was written.
set -eu
java=$1
worker_jar=$2
stack_jar=$3
cache=$4
worker_options=${JAVA_TOOL_OPTIONS:-}
logs=$(mktemp -d)
rm -f "$cache"

# Ports of their own, so that a local stack or a worker running beside does not matter.
JAVA_TOOL_OPTIONS="" LOCAL_BROKER_PORT=15673 LOCAL_SANDBOX_PORT=18081 \
  "$java" -jar "$stack_jar" --train-worker http://127.0.0.1:18080 >"$logs/trainer.log" 2>&1 &
trainer=$!
JAVA_TOOL_OPTIONS="$worker_options -XX:AOTCacheOutput=$cache" SERVER_PORT=18080 SERVER_HOST=127.0.0.1 \
  AMQP_URI=amqp://guest:guest@127.0.0.1:15673 WORKER_BROKER_PROFILE=rabbitmq \
  TWITTER_API_BASE_URL=http://127.0.0.1:18081 \
  TWITTER_CONSUMER_KEY=sandbox-consumer-key TWITTER_CONSUMER_SECRET=sandbox-consumer-secret \
  "$java" -jar "$worker_jar" >"$logs/worker.log" 2>&1 &
worker=$!

status=0
wait "$trainer" || status=$?
kill -TERM "$worker" 2>/dev/null || true
wait "$worker" || true
if [ "$status" -ne 0 ] || [ ! -s "$cache" ]; then
  echo "aot-training: no cache recorded (the trainer exited with $status); the ends of both logs:" >&2
  tail -n 30 "$logs/trainer.log" "$logs/worker.log" >&2
  rm -rf "$logs"
  exit 1
fi
tail -n 1 "$logs/trainer.log"
rm -rf "$logs"
