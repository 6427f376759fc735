#!/usr/bin/env bash
# Creates the four Secrets of namespace twt-bridge ONCE, with values generated here (the RabbitMQ password and the
# Erlang cookie) or given by you (the X app's credentials). A Secret that already exists is never changed: the
# script uses `kubectl create`, which refuses to overwrite, and skips existing Secrets. Run it before the first
# `kubectl apply -f deploy/`, and again whenever you like: it is safe to run twice. See deploy/secrets/README.md.
#
#   TWITTER_CONSUMER_KEY=... TWITTER_CONSUMER_SECRET=... deploy/secrets/create-secrets.sh
#
# Needs kubectl (pointed at the cluster), openssl and base64. Every value goes through files in a private temporary
# directory, never through the command line of kubectl.
set -euo pipefail

NS=twt-bridge
RABBITMQ_USER=twt
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d)
chmod 700 "$tmp"
trap 'rm -rf "$tmp"' EXIT

exists() {
  kubectl -n "$NS" get secret "$1" >/dev/null 2>&1
}

# The value of one key of an existing Secret.
read_key() {
  kubectl -n "$NS" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d
}

# create_once NAME KEY=VALUE...: creates Secret NAME with these keys unless it exists. Keep each call on one line
# (continuations allowed), one word per KEY=VALUE: deploy-check reads the names and keys from these calls.
create_once() {
  local name=$1
  shift
  if exists "$name"; then
    echo "secret/$name exists: kept as it is"
    return
  fi
  local args=() kv key
  mkdir "$tmp/$name"
  for kv in "$@"; do
    key=${kv%%=*}
    printf '%s' "${kv#*=}" >"$tmp/$name/$key"
    args+=("--from-file=$key=$tmp/$name/$key")
  done
  kubectl -n "$NS" create secret generic "$name" "${args[@]}"
  kubectl -n "$NS" label secret "$name" app.kubernetes.io/part-of=twt-bridge >/dev/null
}

kubectl apply -f "$here/../00-namespace.yaml"

# The X app's credentials: yours, from the environment (only needed while twt-bridge-x does not exist).
if ! exists twt-bridge-x && [[ -z ${TWITTER_CONSUMER_KEY:-} || -z ${TWITTER_CONSUMER_SECRET:-} ]]; then
  echo "Set TWITTER_CONSUMER_KEY and TWITTER_CONSUMER_SECRET (the credentials of your X app); no Secret was created." >&2
  exit 1
fi
create_once twt-bridge-x TWITTER_CONSUMER_KEY="${TWITTER_CONSUMER_KEY:-}" TWITTER_CONSUMER_SECRET="${TWITTER_CONSUMER_SECRET:-}"

# The broker's default user and the Erlang cookie: random, generated once. Hex only, so they need no escaping in URIs
# (KEDA's RabbitMQ scaler also refuses special characters in passwords).
if exists rabbitmq-credentials; then
  RABBITMQ_USER=$(read_key rabbitmq-credentials RABBITMQ_DEFAULT_USER)
  password=$(read_key rabbitmq-credentials RABBITMQ_DEFAULT_PASS)
else
  password=$(openssl rand -hex 24)
fi
cookie=$(openssl rand -hex 32)
create_once rabbitmq-credentials RABBITMQ_DEFAULT_USER="$RABBITMQ_USER" RABBITMQ_DEFAULT_PASS="$password" erlang-cookie="$cookie"

# The same user as URIs: the worker's AMQP URI, and the management API for KEDA's scaler (deploy/keda/).
create_once twt-bridge-amqp \
  AMQP_URI="amqp://$RABBITMQ_USER:$password@rabbitmq.$NS.svc:5672/" \
  MANAGEMENT_URI="http://$RABBITMQ_USER:$password@rabbitmq.$NS.svc:15672/"

# The sealing keys shared by the gateway and the workers (sealed tokens, the callback login): one random AES-256
# key, id k<date>. Rotation (add a key in front, later drop the old one) changes this Secret on purpose: deploy/README.md.
sealing_key="k$(date -u +%Y%m%d):$(openssl rand -base64 32)"
create_once twt-bridge-sealing SEALING_KEY_RING="$sealing_key"

echo "Secrets of namespace $NS are in place. Next: kubectl apply -f deploy/"
