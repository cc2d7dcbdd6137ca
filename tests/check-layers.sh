#!/usr/bin/env bash
# The layers and the window's hub keep their shape (issue #12):
# - src/app includes no GTK or libadwaita;
# - mq-window-private.h shares at most 16 functions (the hub's four helpers and the
#   features' class-init and init; a new feature raises it by one, knowingly);
# - each mq-window-<feature>.c exports only its class-init and init functions,
#   and calls no function another feature file defines.
set -euo pipefail
top=$1
cd "$top"
status=0

if grep -rnE '#include <(gtk|gdk|adwaita)' src/app; then
  echo "src/app must not include GTK or libadwaita"
  status=1
fi

shared=$(grep -cE '^[A-Za-z].*\b_mq_window_[a-z_]+ *\(' src/ui/mq-window-private.h || true)
echo "mq-window-private.h shares $shared functions"
if [ "$shared" -gt 16 ]; then
  status=1
fi

# mq-window-helpers.c is the hub's toolbox (toast, problem dialog, save
# chooser): features call it, it calls nothing of theirs or of the hub.
helpers=src/ui/mq-window-helpers.c
if grep -qE '\b_?mq_window_(class_)?init_[a-z]+ *\(|\bmq_window_[a-z_]+ *\(' "$helpers"; then
  echo "$helpers calls a feature or the hub"
  status=1
fi

for f in src/ui/mq-window-*.c; do
  [ "$f" = "$helpers" ] && continue
  exported=$(grep -hE '^[a-z_]+ \(' "$f" | sed 's/ (.*//' |
             grep -vxE "$(grep -hE '^static' -A1 "$f" | grep -E '^[a-z_]+ \(' | sed 's/ (.*//' | paste -sd'|' -)" |
             grep -vE '^_mq_window_(class_)?init_[a-z]+$' || true)
  if [ -n "$exported" ]; then
    echo "$f exports more than its class-init and init: $exported"
    status=1
  fi
  # Features reach the hub through its properties and actions, not calls.
  for fn in $(grep -ohE '^mq_window_[a-z_]+ \(' src/ui/mq-window.c | sed 's/ (//'); do
    if grep -qE "\b$fn *\(" "$f"; then
      echo "$f calls the hub's $fn: use its property or action"
      status=1
    fi
  done
  for g in src/ui/mq-window-*.c; do
    [ "$f" = "$g" ] || [ "$g" = "$helpers" ] && continue
    for fn in $(grep -ohE '^_?mq_window_[a-z_]+ \(' "$g" | sed 's/ (//'); do
      if grep -qE "\b$fn *\(" "$f"; then
        echo "$f calls $fn, defined in $g"
        status=1
      fi
    done
  done
done
exit $status
