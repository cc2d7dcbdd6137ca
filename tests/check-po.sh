#!/usr/bin/env bash
# Every translatable string has its zh_CN translation, and POTFILES.in lists
# every source file that has translatable strings. Plural messages
# (g_dngettext) are checked too, with the Plural-Forms header msgfmt --check reads.
# And no menu has two items on one mnemonic (tests/check-mnemonics.py).
set -euo pipefail
top=$1
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
present=$( { grep -rlE '\b(N_|_)\("' src --include='*.c' || true;
             grep -rl 'translatable="yes"' ui --include='*.ui' || true; } | sort)
missing=$(comm -13 <(echo "$listed") <(echo "$present"))
if [ -n "$missing" ]; then
  echo "po/POTFILES.in misses: $missing"
  status=1
fi

xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=g_dpgettext2:2c,3 \
  --files-from=<(echo "$listed") -o "$tmp/mq.pot"
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/mq.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*) echo "po/$lang.po: $stats"; status=1 ;;
    *) echo "po/$lang.po: $stats" ;;
  esac
done
# Menus: each mnemonic once per menu, in every language.
python3 tests/check-mnemonics.py . || status=1
exit $status
