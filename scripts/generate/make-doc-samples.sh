#!/bin/sh
# Writes the legacy Word 97–2003 (.doc) forms of the five samples, converted by LibreOffice from their
# .docx forms (samples/*.docx, made by scripts/generate/make-html-docx-samples.ts), into tests/fixtures/doc/,
# plus a table of hard cases and a password-protected .doc, and copies two of them into samples/ so that `ogi ingest samples`
# covers .doc. The outputs are committed: CI has no LibreOffice.
#
# Needs LibreOffice Writer and its Python bridge:
#   apt-get install -y --no-install-recommends libreoffice-writer-nogui python3-uno
# Run from the repository root: sh scripts/generate/make-doc-samples.sh
set -eu
out=tests/fixtures/doc
mkdir -p "$out"
command -v soffice >/dev/null || { echo "soffice (LibreOffice) is not installed" >&2; exit 1; }

# A private profile: a user's running LibreOffice (or another conversion) must not block this one.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
lo() { soffice -env:UserInstallation="file://$profile" --headless "$@" >/dev/null; }

lo --convert-to doc --outdir "$out" samples/*.docx

# A table with what is hard in a .doc (tabs and paragraphs inside cells, merges, a late row): its
# .docx is written by scripts/generate/make-doc-hard-table.ts (built by tsc), then converted the same way.
npx tsc -p .
node dist/scripts/generate/make-doc-hard-table.js "$out"
lo --convert-to doc --outdir "$out" "$out/hard-table.docx"

# A .doc encrypted with a password (`--convert-to` cannot set one: scripts/generate/lo-encrypt-doc.py drives
# LibreOffice through UNO; needs python3-uno).
/usr/bin/python3 scripts/generate/lo-encrypt-doc.py samples/002_8df272ac7a397eaf.docx "$out/encrypted.doc" ogi-secret

cp "$out/001_896bea92d5be09c0.doc" "$out/003_3b18a393dc797b1b.doc" samples/
ls -l "$out"
