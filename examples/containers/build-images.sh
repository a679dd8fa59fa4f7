#!/bin/sh
# Builds the example's images on this machine from Debian's busybox-static (apt-get install busybox-static podman),
# with `podman import`: no registry is needed. Real services use real images; these are a few kilobytes of shell.
# (This busybox's `wget -T` crashes, so the scripts set no timeout.)
#   localhost/hearth-example/store:1, :2, :3  an HTTP store answering /item ("item from store v1")
#   localhost/hearth-example/api:1, :2, :3    a CGI API that reads the store named in /route/store, per request
#                                             ("api v1: item from store v1"), /health for its health check, and
#                                             /bin/migrate, its one-shot migration against the store at $STORE_ADDR:
#                                             api 1 and 2 need any store, api 3 needs store 3 (it fails on an older one)
#   localhost/hearth-example/proxy:1          a CGI proxy that forwards to the address in /route/api, read per request
# On servers reached over SSH, build them there as the user Hearth logs in as: ssh USER@HOST sh -s < build-images.sh
set -eu
command -v podman >/dev/null || { echo "podman is missing: apt-get install podman runc busybox-static" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox is missing: apt-get install busybox-static" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

image() { # image NAME:TAG, with the root file system prepared in $work/root
  for applet in sh httpd wget cat echo test grep sed sleep true false; do ln -sf busybox "$work/root/bin/$applet"; done
  tar -C "$work/root" -cf "$work/root.tar" .
  podman import --quiet --change ENV=PATH=/bin "$work/root.tar" "localhost/hearth-example/$1" >/dev/null
  echo "built localhost/hearth-example/$1"
  rm -rf "$work/root" "$work/root.tar"
}

fresh() {
  mkdir -p "$work/root/bin" "$work/root/www/cgi-bin" "$work/root/tmp"
  cp /bin/busybox "$work/root/bin/busybox"
}

for v in 1 2 3; do
  fresh
  echo "item from store v$v" > "$work/root/www/item"
  image "store:$v"
done

for v in 1 2 3; do
  fresh
  needs=$([ "$v" = 3 ] && echo 'store v3' || echo 'store v')
  cat > "$work/root/bin/migrate" <<MIGRATE
#!/bin/sh
# The server's own loopback is 10.0.2.2 in here (slirp4netns with allow_host_loopback).
store=\$(printf '%s' "\$STORE_ADDR" | sed 's/^127\.[0-9.]*:/10.0.2.2:/')
wget -q -O- "http://\$store/item" | grep -q '$needs' || { echo "api v$v needs $needs*; the store has: \$(wget -q -O- "http://\$store/item")" >&2; exit 1; }
echo "migrated the store for api v$v"
MIGRATE
  chmod 755 "$work/root/bin/migrate"
  cat > "$work/root/www/cgi-bin/api" <<CGI
#!/bin/sh
item=\$(wget -q -O- "http://\$(cat /route/store)/item") || { printf 'Status: 502\r\nContent-Type: text/plain\r\n\r\nstore unreachable\n'; exit 0; }
printf 'Content-Type: text/plain\r\n\r\napi v$v: %s\n' "\$item"
CGI
  chmod 755 "$work/root/www/cgi-bin/api"
  echo ok > "$work/root/www/health"
  image "api:$v"
done

fresh
cat > "$work/root/www/cgi-bin/p" <<'CGI'
#!/bin/sh
# Read per request: repointing the proxy is rewriting /route/api (in one rename), never restarting it.
body=$(wget -q -O- "http://$(cat /route/api)/cgi-bin/api") || { printf 'Status: 502\r\nContent-Type: text/plain\r\n\r\nbad gateway\n'; exit 0; }
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$body"
CGI
chmod 755 "$work/root/www/cgi-bin/p"
image "proxy:1"
