#!/usr/bin/env bash
# meson install into a temporary tree, then run the installed app from there:
# it must find its sample, its translations and its settings schema by itself.
#   check-install.sh BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
bin=$(find "$dest" -path '*/bin/maqiao-land' -type f | head -n 1)
[ -x "$bin" ] || { echo "no installed maqiao-land under $dest"; exit 1; }
share=$(dirname "$(dirname "$bin")")/share
for f in applications/org.maqiao.LandViewer.desktop metainfo/org.maqiao.LandViewer.metainfo.xml \
         glib-2.0/schemas/org.maqiao.LandViewer.gschema.xml mime/packages/org.maqiao.LandViewer.xml \
         icons/hicolor/scalable/apps/org.maqiao.LandViewer.svg \
         icons/hicolor/symbolic/apps/org.maqiao.LandViewer-symbolic.svg \
         locale/zh_CN/LC_MESSAGES/maqiao-land.mo maqiao-land/sample/maqiao.gpkg; do
  [ -e "$share/$f" ] || { echo "not installed: share/$f"; exit 1; }
done

# No build-tree variables: the installed app finds everything beside itself.
out=$(env -u MQ_SAMPLE_DIR -u MQ_LOCALEDIR -u GSETTINGS_SCHEMA_DIR LANGUAGE=zh_CN \
      "$bin" --sample --summary)
echo "$out" | head -n 8
echo "$out" | grep -q '地块数 *1154' || { echo "the installed app did not read its sample in Chinese"; exit 1; }
echo "$out" | grep -q '存量工业用地 *7460' || { echo "wrong figures from the installed sample"; exit 1; }
echo "installed app OK"
