"""Production settings: pelicanconf plus the public address, so feeds and links are absolute."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://hub.tallowmere.example"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
LOAD_CONTENT_CACHE = False
