#!/usr/bin/env bash
# Set up a Debian 12 machine as a locked-down counter kiosk, in one go (run as root):
#   - the Debian packages the kiosk session needs (cage, or Xorg + xinit with --x11);
#   - a dedicated system user "kiosk" (no password, no shell) in the dialout, lp and video groups;
#   - the app (the PyInstaller bundle) in /opt/kiosk, the data folder /var/lib/kiosk (0700);
#   - udev rules, the PAM entry, logind and sysctl drop-ins, and the systemd unit that starts the
#     kiosk full screen on tty1 at boot and restarts it after a crash.
# Run it again to update the app: the data folder is kept.
#
#   install.sh [--bundle DIR] [--x11] [--no-apt] [--root DIR]
#     --bundle DIR  the built app (default: dist/kiosk of this checkout; build it with installer/build)
#     --x11         a bare X session (xinit) instead of cage, for panels that need it
#     --no-apt      do not install Debian packages (offline machine: install them beforehand)
#     --root DIR    lay the files out under DIR only (no users, packages or services): for review
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/../../dist/kiosk"
session=cage
apt=yes
root=""

while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle=${2:?--bundle needs a folder}; shift 2 ;;
    --x11) session=x11; shift ;;
    --no-apt) apt=no; shift ;;
    --root) root=${2:?--root needs a folder}; apt=no; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[ -x "$bundle/kiosk" ] || die "no app at $bundle/kiosk: build it first with installer/build, or pass --bundle DIR"
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo $0 ...), or with --root DIR to lay the files out for review"
fi

APP=/opt/kiosk
DATA=/var/lib/kiosk
LIB=/usr/lib/kiosk
unit=kiosk.service
[ "$session" = x11 ] && unit=kiosk-x11.service

# --- Debian packages ------------------------------------------------------------------------
# The bundle carries Qt itself; these are the system libraries Qt loads and the session itself.
packages=(libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libwayland-client0
  libwayland-cursor0 libwayland-egl1 cups-client dbus libpam-systemd)
if [ "$session" = cage ]; then
  packages+=(cage)
else
  packages+=(xserver-xorg xinit libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
fi
if [ "$apt" = yes ]; then
  say "installing Debian packages: ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# --- the kiosk user -------------------------------------------------------------------------
if [ -z "$root" ]; then
  if ! id kiosk >/dev/null 2>&1; then
    say "creating the system user kiosk (home $DATA, no password, no login shell)"
    useradd --system --home-dir "$DATA" --shell /usr/sbin/nologin --user-group kiosk
  fi
  # serial reader and ESC/POS printer (dialout), USB printers (lp), camera (video)
  usermod --append --groups dialout,lp,video kiosk
fi

# --- files ----------------------------------------------------------------------------------
put() { # put MODE SOURCE DEST: install one file under $root
  install -D -m "$1" "$2" "$root$3"
}

say "installing the app in $root$APP"
mkdir -p "$root$(dirname "$APP")"
rm -rf "$root$APP.new"
cp -a "$bundle" "$root$APP.new"
[ -f "$here/../../docs/installation.md" ] && install -D -m 0644 "$here/../../docs/installation.md" "$root$APP.new/docs/installation.md"
rm -rf "$root$APP.old"
[ -d "$root$APP" ] && mv "$root$APP" "$root$APP.old"
mv "$root$APP.new" "$root$APP"
rm -rf "$root$APP.old"

put 0755 "$here/session" "$LIB/session"
put 0755 "$here/after-exit" "$LIB/after-exit"
put 0644 "$here/$unit" "/etc/systemd/system/$unit"
put 0644 "$here/${unit%.service}-out-of-service.service" "/etc/systemd/system/${unit%.service}-out-of-service.service"
put 0644 "$here/kiosk-backup.service" /etc/systemd/system/kiosk-backup.service
put 0644 "$here/kiosk-backup.timer" /etc/systemd/system/kiosk-backup.timer
put 0644 "$here/pam-kiosk" /etc/pam.d/kiosk
put 0644 "$here/60-kiosk.rules" /etc/udev/rules.d/60-kiosk.rules
put 0644 "$here/logind-kiosk.conf" /etc/systemd/logind.conf.d/kiosk.conf
put 0644 "$here/sysctl-kiosk.conf" /etc/sysctl.d/90-kiosk.conf
put 0644 "$here/50-kiosk-power.rules" /etc/polkit-1/rules.d/50-kiosk-power.rules
[ "$session" = x11 ] && put 0644 "$here/xorg-kiosk.conf" /etc/X11/xorg.conf.d/10-kiosk.conf

say "data folder $root$DATA"
install -d -m 0700 "$root$DATA" "$root$DATA/run"

if [ -n "$root" ]; then
  say "files laid out under $root (no user, packages or services were touched)"
  exit 0
fi

chown -R kiosk:kiosk "$DATA"

# --- the database key -----------------------------------------------------------------------
# sealed with systemd-creds (TPM2 where the machine has one, else the host key); the unit loads
# it with LoadCredentialEncrypted=. Root keeps the sealed file; the kiosk user cannot read it.
say "sealing the database key (systemd-creds)"
KIOSK_HOME="$DATA" QT_QPA_PLATFORM=offscreen "$APP/kiosk" db seal-key
chown root:root "$DATA/db-key.cred"
chmod 0600 "$DATA/db-key.cred"

# --- services -------------------------------------------------------------------------------
if ! { udevadm control --reload-rules && udevadm trigger --subsystem-match=tty --subsystem-match=usb \
  --subsystem-match=usbmisc --subsystem-match=video4linux; }; then
  say "udev reload failed (the rules apply at next boot)"
fi
sysctl -q --load /etc/sysctl.d/90-kiosk.conf || true
systemctl daemon-reload
other=kiosk-x11.service
[ "$session" = x11 ] && other=kiosk.service
systemctl disable "$other" >/dev/null 2>&1 || true
systemctl set-default graphical.target
systemctl disable getty@tty1.service >/dev/null 2>&1 || true
systemctl enable "$unit"
systemctl enable kiosk-backup.timer  # the daily backup (docs/operations.md)

say "self-check as the kiosk user (devices not plugged in yet show as FAIL):"
# as the kiosk service runs it: the kiosk user, with the sealed database key handed in by systemd
systemd-run --quiet --pipe --wait -p User=kiosk -p Environment=KIOSK_HOME="$DATA" \
  -p Environment=QT_QPA_PLATFORM=offscreen -p LoadCredentialEncrypted=kiosk-db-key:"$DATA/db-key.cred" \
  "$APP/kiosk" self-check || true

say "done. Reboot: the kiosk starts full screen. On first start it shows the setup wizard."
say "logs: journalctl -u $unit; data and config: $DATA"
