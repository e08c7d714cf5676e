# Commons, production image: gunicorn serves the site, WhiteNoise the collected static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).

# The site is built into a wheel and installed like any package: no source tree at run time,
# and `commons <command>` runs Django's management commands.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --no-cache-dir --disable-pip-version-check --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles

RUN useradd --create-home --uid 10001 --user-group commons

COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels

WORKDIR /app
# Static files are collected at build time, with a key that exists only for this step.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=0 DATABASE_URL=sqlite:///:memory: \
    commons collectstatic --noinput -v0

USER commons
EXPOSE 8000

CMD ["gunicorn", "commons.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--logger-class", "website.logfilters.GunicornLogger"]
