#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the built desktop entry, D-Bus service and AppStream metainfo
of Seedance Studio agree with each other, so that the desktop can start the
app by D-Bus activation and software centres show the right entry.

Usage: check-desktop-integration.py APP_ID BINDIR DESKTOP SERVICE METAINFO
"""

import configparser
import datetime
import os
import sys
import xml.etree.ElementTree as ET


def read_ini(path, group):
    parser = configparser.RawConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    return dict(parser[group])


def check(app_id, bindir, desktop, service, metainfo):
    found = []

    def expect(cond, message):
        if not cond:
            found.append(message)

    expect(os.path.basename(desktop) == app_id + ".desktop",
           "the desktop file must be named after the app ID for D-Bus activation")
    entry = read_ini(desktop, "Desktop Entry")
    expect(entry.get("Icon") == app_id, f"Icon is {entry.get('Icon')!r}")
    expect(entry.get("Exec", "").split()[0] == "seedance-studio", "Exec must run seedance-studio")
    expect(entry.get("DBusActivatable") == "true", "DBusActivatable must be true")
    expect(entry.get("StartupNotify") == "true", "StartupNotify must be true")
    categories = entry.get("Categories", "").split(";")
    expect("AudioVideo" in categories and "Video" in categories,
           "Categories must hold AudioVideo and Video")
    keywords = entry.get("Keywords", "").split(";")
    expect("视频" in keywords and "生成" in keywords, "Keywords lack the Chinese search terms")
    expect("AI" in keywords, "Keywords lack AI")
    expect(entry.get("Name") and entry.get("Comment"), "Name and Comment must be set")

    expect(os.path.basename(service) == app_id + ".service",
           "the D-Bus service file must be named after the app ID")
    svc = read_ini(service, "D-BUS Service")
    expect(svc.get("Name") == app_id, f"service Name is {svc.get('Name')!r}")
    expect(svc.get("Exec") == os.path.join(bindir, "seedance-studio") + " --gapplication-service",
           f"service Exec is {svc.get('Exec')!r}")

    root = ET.parse(metainfo).getroot()
    expect(root.get("type") == "desktop-application", "metainfo must describe a desktop-application")
    expect(root.findtext("id") == app_id, f"metainfo id is {root.findtext('id')!r}")
    launchables = root.findall("launchable")
    expect(len(launchables) == 1 and launchables[0].get("type") == "desktop-id"
           and launchables[0].text == app_id + ".desktop",
           "metainfo must have one desktop-id launchable naming the desktop file")
    binaries = [b.text for b in root.findall("provides/binary")]
    expect("seedance" in binaries, "metainfo must provide the seedance binary")
    today = datetime.date.today().isoformat()
    releases = root.findall("releases/release")
    expect(releases, "metainfo has no release")
    for rel in releases:
        expect(rel.get("date", "") <= today, f"release {rel.get('version')} is dated in the future")
    expect(root.find("content_rating[@type='oars-1.1']") is not None, "no OARS 1.1 content rating")
    return found


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    found = check(*argv[1:])
    for p in found:
        print(f"FAIL: {p}", file=sys.stderr)
    if not found:
        print("ok: desktop entry, D-Bus service and metainfo agree")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
