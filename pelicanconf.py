"""Development settings for the Tallowmere Coffee hub (the valuehub sample site)."""

AUTHOR = "Tallowmere Coffee"
SITENAME = "Tallowmere Coffee Hub"
SITE_TAGLINE = "Fresh roasts, honest offers and a say in what we roast next."
SITEURL = "http://127.0.0.1:8000"
RELATIVE_URLS = False

PATH = "content"
ARTICLE_PATHS = ["news", "support", "events", "offers"]
PAGE_PATHS = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = False
SUMMARY_MAX_LENGTH = 40

THEME = "theme"
# Every value the theme prints is escaped for HTML; the few fields that are HTML already
# (content, summary) are marked |safe in the templates. Reader text baked into pages (jam
# winners) can then never become markup, not even inside <meta content="...">.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [],
                     "autoescape": True}
PLUGIN_PATHS = ["plugins"]
# languages builds a sub-site per language of I18N_SUBSITES under /<lang>/ (the settings of
# pelican-i18n-subsites), with the theme's catalogues, hreflang and the language switcher. It
# comes first: the others see only the content of the language their site is in.
PLUGINS = ["languages", "hub", "engage", "assets"]

# The hub in German too: /de/ is the German sub-site, built with these settings plus the ones
# below. Content says its language with `Lang: de` and names its English original with the same
# `Slug:`; what has no German translation stays English only (German pages link to it where
# they would link to their own). The theme's words are in
# theme/translations/<lang>/LC_MESSAGES/messages.po (make translations).
I18N_SUBSITES = {
    "de": {
        "SITENAME": "Tallowmere Kaffee-Hub",
        "SITE_TAGLINE": "Frisch geröstet, ehrliche Angebote und ein Wort mitzureden bei dem, "
                        "was wir als Nächstes rösten.",
        "CHANNELS": {
            "news": ("Neuigkeiten", "Was sich in der Rösterei geändert hat und was das für "
                                    "dich bedeutet."),
            "support": ("Hilfe", "Brühtipps, Hilfe für die Mühle und Antworten, ganz ohne "
                                 "Ticket."),
            "events": ("Termine", "Verkostungen, Workshops und Fragerunden: Lerne uns und die "
                                  "anderen kennen."),
            "offers": ("Angebote", "Echte Rabatte mit echten Fristen und früher Zugang für "
                                   "Mitglieder."),
        },
        # The same statuses (keys, colours, meanings) with German labels, for the roadmap.
        "ENGAGE_STATUSES": [
            {"key": "open", "label": "Offen", "css": "status-open", "meaning": "open"},
            {"key": "under-consideration", "label": "In Prüfung", "css": "status-considering",
             "meaning": "active"},
            {"key": "planned", "label": "Geplant", "css": "status-planned", "meaning": "active"},
            {"key": "in-progress", "label": "In der Röstung", "css": "status-progress",
             "meaning": "active"},
            {"key": "done", "label": "Erledigt", "css": "status-done", "meaning": "done"},
            {"key": "declined", "label": "Abgelehnt", "css": "status-declined",
             "meaning": "closed"},
        ],
    },
}

# Each channel is a category named after its folder; the theme reads titles and blurbs here.
USE_FOLDER_AS_CATEGORY = True
CHANNELS = {
    "news": ("News", "What changed at the roastery and why it matters to you."),
    "support": ("Support", "Brewing help, grinder fixes and answers, no ticket needed."),
    "events": ("Events", "Cuppings, workshops and Q&As: meet us and each other."),
    "offers": ("Offers", "Real discounts with real deadlines, and early access for members."),
}

ARTICLE_URL = "{category}/{slug}.html"
ARTICLE_SAVE_AS = "{category}/{slug}.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
PAGE_URL = "pages/{slug}.html"
PAGE_SAVE_AS = "pages/{slug}.html"
# Pelican's own metadata lines all work (README, "Writing content"). A tag gets a page listing
# its articles (the archive lists every tag); an author gets a page and an Atom and RSS feed,
# as in plain Pelican, with the feeds under feeds/author/ so no name can clash with a
# channel's feed. Translations (Lang:) sit beside the article; drafts under drafts/.
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARTICLE_LANG_URL = "{category}/{slug}-{lang}.html"
ARTICLE_LANG_SAVE_AS = "{category}/{slug}-{lang}.html"
PAGE_LANG_URL = "pages/{slug}-{lang}.html"
PAGE_LANG_SAVE_AS = "pages/{slug}-{lang}.html"
DRAFT_URL = "drafts/{slug}.html"
DRAFT_SAVE_AS = "drafts/{slug}.html"
DRAFT_LANG_URL = "drafts/{slug}-{lang}.html"
DRAFT_LANG_SAVE_AS = "drafts/{slug}-{lang}.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}.html"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}.html"
DIRECT_TEMPLATES = ["index", "archives", "sitemap", "robots", "notfound", "shell", "roadmap"]
ARCHIVES_SAVE_AS = "archives.html"
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"
NOTFOUND_SAVE_AS = "404.html"
# The frame pollserver renders its own pages (/jams/ID, /champions, /me) into.
SHELL_SAVE_AS = "engage/shell.html"
# The public roadmap, baked from var/results.json (served at /roadmap).
ROADMAP_SAVE_AS = "roadmap.html"

# Idea statuses (key, label, colour class, meaning: open / active / done / closed). Labels can
# change freely (history is kept under the key); the server learns the list from the manifest.
ENGAGE_STATUSES = [
    {"key": "open", "label": "Open", "css": "status-open", "meaning": "open"},
    {"key": "under-consideration", "label": "Under consideration", "css": "status-considering",
     "meaning": "active"},
    {"key": "planned", "label": "Planned", "css": "status-planned", "meaning": "active"},
    {"key": "in-progress", "label": "Brewing", "css": "status-progress", "meaning": "active"},
    {"key": "done", "label": "Done", "css": "status-done", "meaning": "done"},
    {"key": "declined", "label": "Declined", "css": "status-declined", "meaning": "closed"},
]

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/author/{slug}.atom.xml"
AUTHOR_FEED_RSS = "feeds/author/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None
FEED_DOMAIN = SITEURL

STATIC_PATHS = ["images"]
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"

# The hub plugin compares offer expiry dates with this instant; None means "now" at build time.
HUB_NOW = None

# The site is served with `style-src 'self'`: tables must not say style="text-align: ...",
# and HTML5 made align="right" obsolete, so the hub plugin turns the attribute into a class
# (class="align-right"), which main.css styles.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {
            "tables": {"use_align_attribute": True},
        },
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
