"""Static files, served by WhiteNoise from what collectstatic gathered."""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files cached for a year (`immutable`) instead of its ten.

    A year is the longest lifetime HTTP/1.1 let a server promise (RFC 2616, 14.21); a
    release that changes a file names it by its new hash, so nothing cached goes stale.
    Files without a hash keep WhiteNoise's short `WHITENOISE_MAX_AGE`.
    """

    FOREVER = ONE_YEAR
