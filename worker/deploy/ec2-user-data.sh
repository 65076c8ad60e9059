#!/bin/bash
# EC2 user data: installs Node 20 and lakeloop, makes the worker's CURVE keys, and starts
# the worker under systemd. Set LAKE and ALLOWED_CLIENT_KEYS below (or in the launch
# template) before launching. S3 access comes from the instance role.
set -euo pipefail

LAKE="${LAKE:-s3://my-bucket/lake}"                 # the lake the worker reads and writes
ALLOWED_CLIENT_KEYS="${ALLOWED_CLIENT_KEYS:-}"      # client public keys, one per line
LAKELOOP_VERSION="${LAKELOOP_VERSION:-latest}"      # npm version, or a git URL
REGION="$(curl -s http://169.254.169.254/latest/meta-data/placement/region || echo us-east-1)"

# Node 20 from NodeSource, git for installs from a repository.
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  curl -fsSL https://rpm.nodesource.com/setup_20.x | bash - 2>/dev/null || curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  (dnf install -y nodejs git || yum install -y nodejs git || apt-get install -y nodejs git)
fi

id lakeloop >/dev/null 2>&1 || useradd --system --home /var/lib/lakeloop --create-home lakeloop
npm install -g "lakeloop@${LAKELOOP_VERSION}"

install -d -o lakeloop -g lakeloop -m 700 /etc/lakeloop/keys /var/lib/lakeloop/cache
if [ ! -f /etc/lakeloop/keys/worker.key ]; then
  sudo -u lakeloop lakeloop worker keygen --dir /etc/lakeloop/keys --name worker
fi
printf '%s\n' "# client public keys allowed to connect" "$ALLOWED_CLIENT_KEYS" > /etc/lakeloop/allowed-clients
chown lakeloop:lakeloop /etc/lakeloop/allowed-clients
cat > /etc/lakeloop/worker.env <<ENV
LAKELOOP_LAKE=${LAKE}
AWS_REGION=${REGION}
LAKELOOP_CACHE=/var/lib/lakeloop/cache
ENV

install -m 644 "$(npm root -g)/lakeloop/worker/deploy/lakeloop-worker.service" /etc/systemd/system/lakeloop-worker.service
systemctl daemon-reload
systemctl enable --now lakeloop-worker
echo "lakeloop worker public key (give it to clients as LAKELOOP_WORKER_KEY): $(cat /etc/lakeloop/keys/worker.pub)"
