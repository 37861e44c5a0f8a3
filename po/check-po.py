#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the translations (HACKING.md, "Translations"):

  - every catalogue in LINGUAS passes msgfmt --check --check-format
    (format specifiers, accelerators, plural forms) and has no fuzzy or
    untranslated message;
  - POTFILES.in lists every file of src/ that has a translatable string,
    and every file it lists exists and has one.

With --complete it also extracts the strings of the sources as the
build's update-po target would, and fails on any the catalogues lack: a
string added since the last update-po.

Usage: check-po.py SOURCE_ROOT [--complete]
"""

import os
import re
import subprocess
import sys
import tempfile

# The glib preset's keywords (meson's i18n module), and .ui files.
MARKER = re.compile(r'\b(?:N?C?_|g_dngettext|ngettext|g_dpgettext2)\s*\(|translatable="yes"')
SOURCE_SUFFIXES = ('.c', '.h', '.ui')
XGETTEXT_ARGS = ['--from-code=UTF-8', '--add-comments', '--keyword=_', '--keyword=N_',
                 '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dcgettext:2',
                 '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
                 '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
                 '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
                 '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
                 '--flag=g_string_append_printf:2:c-format', '--flag=g_error_new:3:c-format',
                 '--flag=g_set_error:4:c-format', '--flag=g_markup_printf_escaped:1:c-format',
                 '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
                 '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
                 '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
                 '--flag=g_snprintf:3:c-format']


def listed_files(po_dir):
    with open(os.path.join(po_dir, 'POTFILES.in'), encoding='utf-8') as f:
        return [l.strip() for l in f if l.strip() and not l.startswith('#')]


def languages(po_dir):
    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        return [w for l in f if not l.startswith('#') for w in l.split()]


def has_marker(path):
    with open(path, encoding='utf-8') as f:
        return MARKER.search(f.read()) is not None


def check_potfiles(root, listed):
    problems = []
    for rel in listed:
        path = os.path.join(root, rel)
        if not os.path.isfile(path):
            problems.append('POTFILES.in lists %s, which does not exist' % rel)
        elif rel.startswith('src/') and not has_marker(path):
            problems.append('POTFILES.in lists %s, which has no translatable string' % rel)
    for top, _dirs, names in os.walk(os.path.join(root, 'src')):
        for name in sorted(names):
            rel = os.path.relpath(os.path.join(top, name), root)
            if name.endswith(SOURCE_SUFFIXES) and rel not in listed and has_marker(os.path.join(root, rel)):
                problems.append('%s has translatable strings but is not in POTFILES.in' % rel)
    return problems


def statistics(args):
    run = subprocess.run(['msgfmt', '--statistics', '-o', os.devnull] + args,
                         capture_output=True, text=True)
    return run.returncode, run.stderr


def check_catalogue(po_path, lang):
    code, report = statistics(['--check', '--check-format', '--check-accelerators=_', po_path])
    if code != 0:
        return ['%s.po does not pass msgfmt --check --check-format --check-accelerators=_:\n%s' % (lang, report)]
    if 'fuzzy' in report or 'untranslated' in report:
        return ['%s.po is not complete: %s' % (lang, report.strip())]
    return []


def check_complete(root, po_dir, listed, lang):
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'messages.pot')
        subprocess.run(['xgettext', '--package-name=seedance-studio', '-D', root, '-o', pot]
                       + XGETTEXT_ARGS
                       + [f for f in listed if os.path.isfile(os.path.join(root, f))], check=True)
        merged = os.path.join(tmp, lang + '.po')
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged,
                        os.path.join(po_dir, lang + '.po'), pot], check=True)
        _code, report = statistics([merged])
        if 'untranslated' in report:
            return ['%s.po lacks strings of the sources (run the update-po target): %s'
                    % (lang, report.strip())]
    return []


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    root = argv[1]
    po_dir = os.path.join(root, 'po')
    listed = listed_files(po_dir)
    problems = check_potfiles(root, listed)
    for lang in languages(po_dir):
        problems += check_catalogue(os.path.join(po_dir, lang + '.po'), lang)
        if '--complete' in argv[2:]:
            problems += check_complete(root, po_dir, listed, lang)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
