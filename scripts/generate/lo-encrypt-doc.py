"""Saves a document as a password-protected Word 97-2003 .doc through LibreOffice (UNO).

`soffice --convert-to` cannot set a password (its JSON options are filter data, not the media
descriptor's Password), so this drives LibreOffice directly. Needs python3-uno (Debian package) and
runs with the system Python: /usr/bin/python3 scripts/generate/lo-encrypt-doc.py IN.docx OUT.doc PASSWORD
"""
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main(src, dst, password, port=2083):
    profile = tempfile.mkdtemp()
    office = subprocess.Popen(
        ['soffice', f'-env:UserInstallation=file://{profile}', '--headless', '--invisible', '--norestore',
         f'--accept=socket,host=127.0.0.1,port={port};urp;'],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
        remote = None
        for _ in range(120):
            try:
                remote = resolver.resolve(f'uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext')
                break
            except Exception:
                time.sleep(0.5)
        if remote is None:
            raise SystemExit('LibreOffice did not start')
        desktop = remote.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', remote)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), '_blank', 0, (prop('Hidden', True),))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop('FilterName', 'MS Word 97'), prop('Password', password)))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the connection drops as LibreOffice quits
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == '__main__':
    main(*sys.argv[1:4])
