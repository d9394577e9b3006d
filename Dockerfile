# Production image: gunicorn serving the portal; the same image runs the worker and beat.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=false SECRET_KEY=build ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= HASH_KEY=build \
       JOURNAL_KEY=build JOURNAL_SIGNING_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --system --home /app espace-sante \
    && mkdir -p /app/var/media /app/var/journal-checkpoints && chown -R espace-sante /app/var
USER espace-sante
EXPOSE 8000
# 2 × cores + 1 workers of one thread: pages are CPU-bound, and threads of one process
# would queue on the GIL (bench/pages.py compares, BENCH_THREADS=4).
CMD ["gunicorn", "espace_sante.wsgi", "--bind", "0.0.0.0:8000", "--workers", "5", "--worker-class", "gthread", "--threads", "1", "--access-logfile", "-"]
