"""Render a bid to .docx, then to PDF and page images, to look at what a reviewer will see.

    make preview BID=examples/demo-bid.yaml
    .venv/bin/python -m bench.preview examples/demo-bid.yaml [--toc] [--draft] [--out DIR]

Writes out/preview/<name>.docx, <name>.pdf and <name>-<page>.png (80 dpi) and prints their
paths. A bid with blocking findings renders as a draft (草稿 on every page), as the command line
does. Needs LibreOffice (`libreoffice` or `soffice`) and poppler's `pdftoppm` on PATH.

LibreOffice finds fonts through fontconfig, which on a Linux box without Windows fonts maps 宋体
and 黑体 to a Latin font and leaves Chinese glyphs to whatever fallback it picks. The preview
therefore runs LibreOffice with a private fontconfig file that aliases 宋体/SimSun to Noto Serif
CJK SC and 黑体/SimHei to Noto Sans CJK SC (when installed), so the pages look like Word's: serif
body, sans headings. The .docx itself still names 宋体 and 黑体.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bidkit import bidfile, library
from bidkit.compose import compose
from bidkit.errors import BidkitError
from bidkit.render_docx import render_docx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "preview"

FONT_ALIASES = {
    "宋体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "SimSun": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "Times New Roman": ("Liberation Serif", "Tinos", "DejaVu Serif"),
}


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file: the system's configuration plus aliases for the Chinese font names."""
    rules = []
    for family, substitutes in FONT_ALIASES.items():
        prefer = "".join(f"<family>{name}</family>" for name in substitutes)
        rules.append(f'<alias binding="same"><family>{family}</family><prefer>{prefer}</prefer></alias>')
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    config = folder / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                      f'<include ignore_missing="yes">{system}</include>\n' + "\n".join(rules) +
                      "\n</fontconfig>\n", encoding="utf-8")
    return config


# Run by a Python that has LibreOffice's `uno` module: open the .docx, rebuild its tables of
# contents and fields (as Word does on open with w:updateFields), export a PDF.
UNO_CONVERT = r"""
import os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

office, profile, source, target = sys.argv[1:5]
pipe = "bidkit_preview_%d" % os.getpid()
proc = subprocess.Popen([office, "-env:UserInstallation=" + profile, "--headless", "--invisible",
                         "--nologo", "--norestore", "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
    indexes = doc.getDocumentIndexes()
    for i in range(indexes.getCount()):
        indexes.getByIndex(i).update()
    doc.getTextFields().refresh()
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "writer_pdf_Export"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
finally:
    if proc.poll() is None:
        proc.kill()
"""


def office_binary() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def uno_python(office: str) -> str | None:
    """A Python interpreter that can import LibreOffice's `uno` module, if there is one."""
    program = Path(os.path.realpath(office)).parent
    for candidate in (program / "python", Path("/usr/bin/python3"), Path(sys.executable)):
        if candidate.exists():
            found = subprocess.run([str(candidate), "-c", "import uno"], capture_output=True, timeout=60)
            if found.returncode == 0:
                return str(candidate)
    return None


def to_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert with a throw-away LibreOffice profile, so a running LibreOffice is not disturbed.

    Through UNO when possible, so the table of contents gets its page numbers as it does in Word;
    else with `--convert-to pdf`, which keeps the TOC as the renderer cached it (no page numbers).
    """
    office = office_binary()
    if office is None:
        raise SystemExit("preview: LibreOffice is not installed (no `libreoffice` or `soffice` on PATH); "
                         "install it (apt-get install libreoffice-writer) or open the .docx in Word: "
                         f"{docx_path}")
    with tempfile.TemporaryDirectory(prefix="bidkit-preview-") as tmp:
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(Path(tmp))))
        profile = Path(tmp, "profile").as_uri()
        pdf = out_dir / (docx_path.stem + ".pdf")
        pdf.unlink(missing_ok=True)
        python = uno_python(office)
        if python:
            command = [python, "-c", UNO_CONVERT, office, profile, str(docx_path.resolve()), str(pdf.resolve())]
        else:
            command = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                       "--outdir", str(out_dir), str(docx_path)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not pdf.exists():
        raise SystemExit(f"preview: LibreOffice could not convert {docx_path}:\n{done.stderr.strip()}")
    return pdf


def to_images(pdf: Path, dpi: int = 80) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("preview: pdftoppm is not installed (apt-get install poppler-utils); "
                         f"the PDF is at {pdf}")
    prefix = pdf.with_suffix("")
    for old in pdf.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.preview", description=__doc__.splitlines()[0])
    parser.add_argument("bid", help="bid file (.yaml)")
    parser.add_argument("--library", default=os.environ.get("BIDKIT_LIBRARY") or "clause_library",
                        help="clause library folder (default: $BIDKIT_LIBRARY, else clause_library/)")
    parser.add_argument("--style", default=None, help="house-style .docx (default: templates/house-style.docx)")
    parser.add_argument("--toc", action="store_true", help="insert a table of contents")
    parser.add_argument("--draft", action="store_true", help="mark as draft even without blocking findings")
    parser.add_argument("--out", default=str(OUT), help="output folder (default: out/preview)")
    args = parser.parse_args(argv)

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        chapter = compose(bidfile.read(args.bid), library.load(args.library))
        blocking = chapter.check.blocking if chapter.check else []
        chapter.draft = args.draft or bool(blocking)
        data = render_docx(chapter, args.style, toc=args.toc)
    except BidkitError as exc:
        print(f"preview: {exc}", file=sys.stderr)
        return 2
    name = Path(args.bid).stem + ("-toc" if args.toc else "") + ("-draft" if args.draft else "")
    docx_path = out_dir / f"{name}.docx"
    docx_path.write_bytes(data)
    print(docx_path)
    if blocking:
        print(f"  {len(blocking)} blocking finding(s): rendered as 草稿 (draft)")
    pdf = to_pdf(docx_path, out_dir)
    print(pdf)
    for image in to_images(pdf):
        print(image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
