# Commons, production image: gunicorn serves the site, WhiteNoise the collected static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Run from the source tree: settings find templates/ and static/ beside the apps.
    PYTHONPATH=/app

RUN useradd --create-home --uid 10001 --user-group commons

WORKDIR /app
COPY . .

# Static files are collected at build time, with a key that exists only for this step.
RUN pip install . \
    && SECRET_KEY=collectstatic-only-not-a-secret DEBUG=0 \
       python manage.py collectstatic --noinput -v0 \
    && rm -rf build *.egg-info

USER commons
EXPOSE 8000

CMD ["gunicorn", "commons.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
