"""Wiki pages: HTTP only. Parse, authorize, call one service, respond.

By concept: articles (read), editing, history (revisions, diffs, revert), actions
(moderators' archive, restore, lock, hide; move), listings (index, wanted, links, search).
"""
