# One image for web, worker and beat; docker-compose.yml picks the command of each.
# Build stage: install hrsuite (non-editable) into a virtualenv that the runtime stage copies.
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY . .
# The code lands in site-packages; what is not a Python package (manage.py, page and e-mail templates,
# translations) goes to the application directory, /app, which settings find through HRSUITE_HOME.
# The .mo translations are not committed: Babel (a dependency) compiles them here.
RUN /opt/venv/bin/pip install . \
 && mkdir -p /app/var \
 && cp manage.py /app/ \
 && for dir in pages templates locale; do if [ -d "$dir" ]; then cp -r "$dir" /app/; fi; done \
 && if [ -d /app/locale ]; then /opt/venv/bin/pybabel compile -d /app/locale -D django; fi

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HRSUITE_HOME=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app hrsuite
COPY --from=build /opt/venv /opt/venv
# Owned by the app user: collectstatic writes /app/staticfiles, beat keeps its schedule in /app/var.
COPY --from=build --chown=hrsuite:hrsuite /app /app
WORKDIR /app
USER hrsuite

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--logger-class", "hrsuite.logging.RedactingGunicornLogger"]
