#!/bin/sh
# Records the queue-worker's ahead-of-time cache (JDK 25), as the image build (queue-worker/Dockerfile) and
# benchmarks/run do: the worker runs as it will run (this java, this jar, the JVM options in JAVA_TOOL_OPTIONS, plus
# -XX:AOTCacheOutput, its rabbitmq broker profile) against the local stack's embedded broker and X sandbox, which
# publish 5,000 posts once the worker is ready and count the answers; the worker is then stopped, and its JVM writes
# the cache.
#
#   JAVA_TOOL_OPTIONS="<the worker's options>" queue-worker/aot-training.sh <java> <queue-worker.jar> <local-stack.jar> <cache>
#
# Ports: AOT_TRAINING_BROKER_PORT (15673), AOT_TRAINING_SANDBOX_PORT (18081), AOT_TRAINING_WORKER_PORT (18080).
# Exits non-zero, with both logs' ends, unless every post was answered once as posted and a cache was written.
set -eu
if [ $# -ne 4 ]; then
  echo "usage: JAVA_TOOL_OPTIONS=... $0 <java> <queue-worker.jar> <local-stack.jar> <cache>" >&2
  exit 2
fi
java=$1
worker_jar=$2
stack_jar=$3
cache=$4
worker_options=${JAVA_TOOL_OPTIONS:-}
broker_port=${AOT_TRAINING_BROKER_PORT:-15673}
sandbox_port=${AOT_TRAINING_SANDBOX_PORT:-18081}
worker_port=${AOT_TRAINING_WORKER_PORT:-18080}
logs=$(mktemp -d)
rm -f "$cache"
trainer=""
worker=""
# Interrupted or failed: nothing is left running on the ports.
cleanup() {
  [ -z "$trainer" ] || kill "$trainer" 2>/dev/null || true
  [ -z "$worker" ] || kill "$worker" 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

JAVA_TOOL_OPTIONS="" LOCAL_BROKER_PORT=$broker_port LOCAL_SANDBOX_PORT=$sandbox_port \
  "$java" -jar "$stack_jar" --train-worker "http://127.0.0.1:$worker_port" >"$logs/trainer.log" 2>&1 &
trainer=$!
JAVA_TOOL_OPTIONS="$worker_options -XX:AOTCacheOutput=$cache" SERVER_PORT=$worker_port SERVER_HOST=127.0.0.1 \
  AMQP_URI="amqp://guest:guest@127.0.0.1:$broker_port" WORKER_BROKER_PROFILE=rabbitmq \
  TWITTER_API_BASE_URL="http://127.0.0.1:$sandbox_port" \
  TWITTER_CONSUMER_KEY=sandbox-consumer-key TWITTER_CONSUMER_SECRET=sandbox-consumer-secret \
  "$java" -jar "$worker_jar" >"$logs/worker.log" 2>&1 &
worker=$!

# Until the trainer has counted the answers (or either process ended early), then the worker stops first: the broker
# is still there for its last moments.
counted() { grep -q "training posts answered" "$logs/trainer.log"; }
while ! counted && kill -0 "$trainer" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
  sleep 0.2
done
kill -TERM "$worker" 2>/dev/null || true
wait "$worker" || true
worker=""
counted || kill -TERM "$trainer" 2>/dev/null || true
status=0
wait "$trainer" || status=$?
trainer=""
if [ "$status" -ne 0 ] || [ ! -s "$cache" ]; then
  echo "aot-training: no cache recorded (the trainer exited with $status); the ends of both logs:" >&2
  tail -n 30 "$logs/trainer.log" "$logs/worker.log" >&2
  exit 1
fi
grep "training posts answered" "$logs/trainer.log"
