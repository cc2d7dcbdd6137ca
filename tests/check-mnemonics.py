#!/usr/bin/env python3
"""Every menu's mnemonics (_X) are unique within the menu, in the source
strings and in each translation: two items on one letter make Alt+letter
pick the first and hide the other. A submenu is a menu of its own; its
label counts in the menu that holds it.

    check-mnemonics.py TOP   (run by check-po.sh, with the compiled catalogs)"""
import gettext
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def mnemonic(label):
    i = 0
    while i < len(label) - 1:
        if label[i] == "_":
            if label[i + 1] != "_":
                return label[i + 1].lower()
            i += 1
        i += 1
    return None


def label_of(element):
    for attribute in element.findall("attribute"):
        if attribute.get("name") == "label":
            return attribute.text or ""
    return None


def levels(menu, name):
    """(name, [labels]) for @menu and every submenu below it."""
    labels, below = [], []

    def walk(element):
        for child in element:
            if child.tag == "section":
                walk(child)
            elif child.tag in ("item", "submenu"):
                label = label_of(child)
                if label:
                    labels.append(label)
                if child.tag == "submenu":
                    below.extend(levels(child, f"{name} › {label}"))

    walk(menu)
    return [(name, labels)] + below


def main(top):
    os.chdir(top)
    menus = []
    for ui in sorted(os.listdir("ui")):
        if ui.endswith(".ui"):
            for menu in ET.parse(os.path.join("ui", ui)).getroot().iter("menu"):
                menus.extend(levels(menu, f"{ui} #{menu.get('id')}"))
    languages = [("C", gettext.NullTranslations())]
    with tempfile.TemporaryDirectory() as tmp:
        for lang in open("po/LINGUAS").read().split():
            mo = os.path.join(tmp, lang + ".mo")
            subprocess.run(["msgfmt", "-o", mo, f"po/{lang}.po"], check=True)
            with open(mo, "rb") as f:
                languages.append((lang, gettext.GNUTranslations(f)))
    status = 0
    for lang, catalog in languages:
        for name, labels in menus:
            seen = {}
            for label in labels:
                shown = catalog.gettext(label)
                key = mnemonic(shown)
                if key is None:
                    continue
                if key in seen:
                    print(f"{lang}: {name}: “{seen[key]}” and “{shown}” share the mnemonic _{key}")
                    status = 1
                else:
                    seen[key] = shown
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
