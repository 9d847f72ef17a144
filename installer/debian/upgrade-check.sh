#!/bin/bash
# The .deb upgrade path, on a scratch Debian system (never on the build machine):
#   installer/debian/upgrade-check.sh OLD.deb NEW.deb ROOT
# ROOT: a Debian 12 chroot, e.g. `sudo mmdebstrap --variant=minbase --include=sudo,ca-certificates
# bookworm ROOT` (apt in it installs the runtime packages the .debs depend on). As root.
# Installs OLD, makes data as a user (admin account, two tickets, an encrypted draft, its key),
# installs NEW over it and checks: the database is migrated (`selftest` OK), tickets, draft and
# key are intact; then OLD over NEW must be refused (preinst). NEW is normally the next version;
# to try a migration, build it from a copy with a new Alembic revision and a higher version.
set -euo pipefail
old="$1"; new="$2"; root="$3"
cp "$old" "$root/tmp/old.deb"; cp "$new" "$root/tmp/new.deb"
mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; trap 'umount "$root/proc"' EXIT; }
chroot "$root" /bin/bash -s <<'INNER'
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
apt-get install -y -q /tmp/old.deb >/dev/null
id clerk >/dev/null 2>&1 || useradd -m clerk
as_clerk() { runuser -u clerk -- env HOME=/home/clerk QT_QPA_PLATFORM=offscreen "$@"; }
as_clerk madoguchi db upgrade
echo upgrade-check-password | as_clerk madoguchi users create-admin --login admin --name Admin
as_clerk madoguchi queue issue --service A
as_clerk madoguchi queue issue --service B
as_clerk /opt/madoguchi/bin/python -c '
from madoguchi.config import load_settings
from madoguchi.privacy.drafts import DraftStore
from madoguchi.privacy.keys import load_key
DraftStore(key=load_key(load_settings())).save("upgrade-check", b"draft of the old version")'
key_before="$(sha256sum /home/clerk/.local/share/madoguchi/keys/data.key)"
tickets_before="$(as_clerk madoguchi queue status)"
echo "installed: $(dpkg-query -W -f '${Version}' madoguchi)"; as_clerk madoguchi db status

apt-get install -y -q /tmp/new.deb >/dev/null
echo "upgraded: $(dpkg-query -W -f '${Version}' madoguchi)"
as_clerk madoguchi selftest
as_clerk madoguchi db status
[ "$(as_clerk madoguchi queue status)" = "$tickets_before" ] || { echo "FAILED: the tickets changed" >&2; exit 1; }
[ "$(sha256sum /home/clerk/.local/share/madoguchi/keys/data.key)" = "$key_before" ] || { echo "FAILED: the key changed" >&2; exit 1; }
as_clerk /opt/madoguchi/bin/python -c '
from madoguchi.config import load_settings
from madoguchi.privacy.drafts import DraftStore
from madoguchi.privacy.keys import load_key
assert DraftStore(key=load_key(load_settings())).load("upgrade-check") == b"draft of the old version"'
if dpkg -i /tmp/old.deb; then echo "FAILED: the older version was installed over the newer one" >&2; exit 1; fi
echo "OK: upgraded with data, key and draft intact; the older version was refused"
INNER
