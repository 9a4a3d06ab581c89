"""Check the built site and pollserver's pages with validators nobody here wrote.

``python -m sitecheck`` (``make validate``) builds the sample site the way ``make run`` does,
fetches every server-rendered page, and runs the W3C Nu HTML checker, feedparser, three
calendar readers (icalendar, ics, vobject) and a sitemap check over the lot. Each check
returns a :class:`~sitecheck.result.Result`; any error fails the run, warnings are listed.
"""
