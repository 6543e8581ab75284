"""The versioned clause library on disk: load it, validate it, add versions and review events.

Layout (DESIGN.md): <category>/_category.yaml, <category>/<id>/vN.yaml (immutable versions) and
<category>/<id>/vN.<event>.yaml (immutable review events). Loading never stops at a broken file:
each problem becomes a LibraryIssue with its file, line and field, and the rest loads.

Reopening a large library is fast because each file's parsed result is cached in the user's own
cache folder (see cache.py); only changed files are parsed again.
"""
from bidkit.library.entries import ClauseEntry, Library, LibraryIssue, Versions
from bidkit.library.files import template_issues
from bidkit.library.load import change_stamp, load
from bidkit.library.write import authored_by, new_version, read_new_version, record_review, version_digest

__all__ = ["ClauseEntry", "Library", "LibraryIssue", "Versions", "change_stamp", "load",
           "new_version", "read_new_version", "record_review", "template_issues", "authored_by", "version_digest"]
