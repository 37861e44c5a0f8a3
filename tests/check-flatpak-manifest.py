#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a Flatpak manifest of Seedance Studio without network access.

Usage: check-flatpak-manifest.py SCHEMA MANIFEST APP_ID PROFILE
       check-flatpak-manifest.py --self-test SCHEMA MANIFEST APP_ID PROFILE

The manifest must match the flatpak-manifest(5) schema, ask for no
permission beyond ALLOWED_FINISH_ARGS, use the GNOME 50 runtime (which
carries every library the app links to) and build only the app itself
from the source tree with meson and the given profile.

--self-test also checks that broken copies of the manifest are refused.
"""

import copy
import json
import sys

import jsonschema

ALLOWED_FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--filesystem=xdg-videos",
    "--socket=pulseaudio",
    # Open and Show in Folder go through the portals (GtkFileLauncher on the
    # runtime's GTK): no --talk-name, no --socket=session-bus.
]


def problems(schema, manifest, app_id, profile):
    found = []
    validator = jsonschema.Draft7Validator(schema)
    for error in sorted(validator.iter_errors(manifest), key=str):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        found.append(f"schema: {where}: {error.message}")

    if "app-id" in manifest:
        found.append("use 'id', not the old 'app-id'")
    if manifest.get("id") != app_id:
        found.append(f"id is {manifest.get('id')!r}, expected {app_id!r}")
    expected = {
        "runtime": "org.gnome.Platform",
        "runtime-version": "50",
        "sdk": "org.gnome.Sdk",
        "command": "seedance-studio",
    }
    for key, value in expected.items():
        if manifest.get(key) != value:
            found.append(f"{key} is {manifest.get(key)!r}, expected {value!r}")

    finish_args = manifest.get("finish-args", [])
    for arg in finish_args:
        if arg not in ALLOWED_FINISH_ARGS:
            found.append(f"finish-args: {arg!r} is not an allowed permission")
    for arg in ALLOWED_FINISH_ARGS:
        if arg not in finish_args:
            found.append(f"finish-args: {arg!r} is missing")
    if len(set(finish_args)) != len(finish_args):
        found.append("finish-args: repeated permission")

    modules = manifest.get("modules", [])
    if len(modules) != 1 or not isinstance(modules[0], dict):
        found.append("the app itself must be the only module (the runtime has the libraries)")
        return found
    module = modules[0]
    if module.get("name") != "seedance-studio":
        found.append(f"module name is {module.get('name')!r}")
    if module.get("buildsystem") != "meson":
        found.append("module must build with meson")
    if f"-Dprofile={profile}" not in module.get("config-opts", []):
        found.append(f"config-opts lacks -Dprofile={profile}")
    sources = module.get("sources", [])
    if (len(sources) != 1 or not isinstance(sources[0], dict)
            or sources[0].get("type") != "dir" or sources[0].get("path") != ".."):
        found.append("the module's only source must be the source tree: {type: dir, path: ..}")
    return found


def self_test(schema, manifest, app_id, profile):
    def broken(change):
        m = copy.deepcopy(manifest)
        change(m)
        return m

    cases = {
        "home access": broken(lambda m: m["finish-args"].append("--filesystem=home")),
        "session bus": broken(lambda m: m["finish-args"].append("--socket=session-bus")),
        "another bus name": broken(lambda m: m["finish-args"].append("--talk-name=org.freedesktop.Notifications")),
        "the file manager's bus name": broken(lambda m: m["finish-args"].append("--talk-name=org.freedesktop.FileManager1")),
        "a bus name wildcard": broken(lambda m: m["finish-args"].append("--talk-name=org.freedesktop.*")),
        "typo in a key": broken(lambda m: m.__setitem__("finish-arg", [])),
        "typo in a module key": broken(lambda m: m["modules"][0].__setitem__("config-opt", [])),
        "bad buildsystem": broken(lambda m: m["modules"][0].__setitem__("buildsystem", "ninja")),
        "old runtime": broken(lambda m: m.__setitem__("runtime-version", "45")),
        "app-id and id": broken(lambda m: m.__setitem__("app-id", app_id)),
        "no id": broken(lambda m: m.pop("id")),
        "extra module": broken(lambda m: m["modules"].insert(0, {"name": "gtk", "sources": []})),
        "wrong profile": broken(lambda m: m["modules"][0].__setitem__("config-opts", [])),
    }
    failed = 0
    for name, m in cases.items():
        if problems(schema, m, app_id, profile):
            print(f"ok: refused {name}")
        else:
            print(f"FAIL: accepted {name}")
            failed += 1
    return failed


def main(argv):
    test = len(argv) > 1 and argv[1] == "--self-test"
    if test:
        argv = argv[:1] + argv[2:]
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        manifest = json.load(f)
    app_id, profile = argv[3], argv[4]

    found = problems(schema, manifest, app_id, profile)
    for p in found:
        print(f"{argv[2]}: {p}", file=sys.stderr)
    if found:
        return 1
    print(f"ok: {argv[2]} is a valid manifest for {app_id} ({profile})")
    if test:
        return 1 if self_test(schema, manifest, app_id, profile) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
