# SafeMeet: one process, one SQLite file (kept in the /data volume).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install --no-cache-dir . && useradd --create-home safemeet && mkdir /data \
    && chown safemeet /data
USER safemeet
ENV SAFEMEET_DB=/data/safemeet.sqlite3 PYTHONUNBUFFERED=1
VOLUME /data
EXPOSE 8443
CMD ["python", "-m", "bot"]
