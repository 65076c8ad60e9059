#!/bin/bash
# EC2 user data for a lakeloop worker: installs Node 20 and lakeloop, puts the column
# cache on the instance's local NVMe when it has one, makes the worker's CURVE key pair,
# writes the allow list of client keys, and starts the worker under systemd
# (lakeloop-worker.service, port 5555). S3 access comes from the instance role: no keys
# in this script or on the disk.
#
# Set LAKE and ALLOWED_CLIENT_KEYS below (or export them in a launch template that
# prepends them). The worker's public key is printed at the end of the boot log
# (EC2 console: Actions > Monitor > Get system log) and kept in /etc/lakeloop/keys/worker.pub.
set -euo pipefail

LAKE="${LAKE:-s3://my-bucket/lake}"                 # the lake the worker reads and writes
ALLOWED_CLIENT_KEYS="${ALLOWED_CLIENT_KEYS:-}"      # client public keys (from `lakeloop worker keygen`), one per line
LAKELOOP_PACKAGE="${LAKELOOP_PACKAGE:-lakeloop@latest}"  # what `npm install -g` installs: a version, a git URL or a tarball URL
PORT="${PORT:-5555}"                                # the one port to open, to your clients only

# The region, from the instance metadata service (IMDSv2: a session token first).
TOKEN="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' || true)"
REGION="$(curl -fsS -H "X-aws-ec2-metadata-token: ${TOKEN}" http://169.254.169.254/latest/meta-data/placement/region || echo us-east-1)"

# Node 20 (NodeSource) and git, on Amazon Linux / RHEL-likes (dnf) or Debian / Ubuntu (apt).
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  if command -v dnf >/dev/null; then
    curl -fsSL https://rpm.nodesource.com/setup_20.x | bash -
    dnf install -y nodejs git
  else
    curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    apt-get install -y nodejs git
  fi
fi

id lakeloop >/dev/null 2>&1 || useradd --system --home-dir /var/lib/lakeloop --create-home --shell /usr/sbin/nologin lakeloop
npm install -g "${LAKELOOP_PACKAGE}"

# The disk tier of the column cache wants local NVMe (r6id, r7gd, ...): format and mount
# the first instance-store volume there. It is scratch space: lost on stop, refilled from S3.
CACHE=/var/lib/lakeloop/cache
install -d -o lakeloop -g lakeloop -m 700 "${CACHE}"
NVME="$(lsblk -dpno NAME,MODEL | awk '/Instance Storage/ {print $1; exit}')"
if [ -n "${NVME}" ] && ! findmnt -S "${NVME}" >/dev/null; then
  mkfs.xfs -f "${NVME}"
  mount -o noatime "${NVME}" "${CACHE}"
  echo "${NVME} ${CACHE} xfs noatime,nofail 0 2" >> /etc/fstab
  chown lakeloop:lakeloop "${CACHE}"
  chmod 700 "${CACHE}"
fi

# The worker's key pair: the secret stays on this machine, readable by the worker only.
install -d -o lakeloop -g lakeloop -m 700 /etc/lakeloop/keys
if [ ! -f /etc/lakeloop/keys/worker.key ]; then
  runuser -u lakeloop -- lakeloop worker keygen --dir /etc/lakeloop/keys --name worker
fi
{ echo "# client public keys allowed to connect; edit, then: systemctl reload lakeloop-worker"; printf '%s\n' "${ALLOWED_CLIENT_KEYS}"; } > /etc/lakeloop/allowed-clients
chown lakeloop:lakeloop /etc/lakeloop/allowed-clients
chmod 600 /etc/lakeloop/allowed-clients

cat > /etc/lakeloop/worker.env <<ENV
LAKELOOP_LAKE=${LAKE}
AWS_REGION=${REGION}
LAKELOOP_CACHE=${CACHE}
LAKELOOP_PORT=${PORT}
ENV

install -m 644 "$(npm root -g)/lakeloop/worker/deploy/lakeloop-worker.service" /etc/systemd/system/lakeloop-worker.service
systemctl daemon-reload
# (Comments are "# " lines: a key itself may start with "#".)
if grep -Eqv '^(# .*|#|[[:space:]]*)$' /etc/lakeloop/allowed-clients; then
  systemctl enable --now lakeloop-worker
else
  # A worker that allows nobody refuses to start: wait for keys instead of restarting in a loop.
  systemctl enable lakeloop-worker
  echo "lakeloop: no ALLOWED_CLIENT_KEYS given; add client keys to /etc/lakeloop/allowed-clients, then: systemctl start lakeloop-worker"
fi
echo "lakeloop worker public key (clients set LAKELOOP_WORKER_KEY to it): $(cat /etc/lakeloop/keys/worker.pub)"
