#!/usr/bin/env python3
"""What can be checked of the Flatpak manifest without the network: JSON
syntax, the app id against the desktop file and metainfo, pinned sources,
the drivers GDAL is built with, and the sandbox holes asked for."""
import json
import re
import sys
from pathlib import Path

top = Path(sys.argv[1])
manifest = json.loads((top / "flatpak" / "org.maqiao.LandViewer.json").read_text())
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


app_id = manifest.get("id") or manifest.get("app-id")
check(app_id == "org.maqiao.LandViewer", f"app id is {app_id}")
check((top / "data" / f"{app_id}.desktop.in").exists(), "no desktop file named after the app id")
metainfo = (top / "data" / f"{app_id}.metainfo.xml.in").read_text()
check(f"<id>{app_id}</id>" in metainfo, "metainfo id differs from the app id")
check(f"<launchable type=\"desktop-id\">{app_id}.desktop</launchable>" in metainfo,
      "metainfo launchable differs")
check(manifest.get("command") == "maqiao-land", "command is not maqiao-land")
check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not the GNOME platform")
check(re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))) is not None,
      "runtime-version must name a GNOME version")

finish = manifest.get("finish-args", [])
for hole in ("--filesystem=host", "--socket=session-bus", "--socket=system-bus", "--device=all"):
    check(hole not in finish, f"finish-args asks for {hole}")
for need in ("--socket=wayland", "--socket=fallback-x11", "--share=ipc"):
    check(need in finish, f"finish-args lacks {need}")

modules = {m["name"]: m for m in manifest["modules"] if isinstance(m, dict)}
for name in ("proj", "geos", "libpq", "gdal", "fonts-noto-cjk", "maqiao-land"):
    check(name in modules, f"no module {name}")
for module in modules.values():
    for source in module.get("sources", []):
        if source.get("type") in ("archive", "file"):
            check(source.get("url", "").startswith("https://"), f"{module['name']}: source not https")
            check(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) is not None,
                  f"{module['name']}: source not pinned by sha256")

gdal_opts = " ".join(modules.get("gdal", {}).get("config-opts", []))
for driver in ("SHAPE", "GPKG", "GEOJSON", "SQLITE", "PG"):
    check(f"-DOGR_ENABLE_DRIVER_{driver}=ON" in gdal_opts, f"GDAL built without {driver}")
check("-DGDAL_USE_GEOS=ON" in gdal_opts, "GDAL built without GEOS (make-valid needs it)")

for failure in failures:
    print("flatpak manifest:", failure)
print("flatpak manifest:", "OK" if not failures else f"{len(failures)} problems")
sys.exit(1 if failures else 0)
