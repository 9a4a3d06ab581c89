import sys
from pathlib import Path

# Pelican loads each plugin from PLUGIN_PATHS without putting the folder on sys.path; the
# hub's plugins share the build's session (languages/session.py), so the folder goes there.
_PLUGINS = str(Path(__file__).resolve().parent.parent)
if _PLUGINS not in sys.path:
    sys.path.append(_PLUGINS)

from .plugin import register as register  # noqa: E402
