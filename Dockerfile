# The endpoint with the bundled graph: `docker build -t celltrials-kg . && docker run -p 8000:8000 celltrials-kg`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# The project (editable, so the bundled queries/, seeds/ and ontology/ beside kg/ are found).
COPY pyproject.toml README.md ./
COPY kg ./kg
COPY queries ./queries
COPY seeds ./seeds
COPY ontology ./ontology
RUN pip install -e . \
 && useradd --create-home --uid 10001 kg \
 && mkdir -p /app/data && chown kg /app/data

USER kg
# Build the graph from the seeds at image build time, so a container starts serving at once.
RUN kg build --store /app/data/store --quiet

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sparql?query=ASK%7B%7D', timeout=4)"
CMD ["kg", "serve", "--store", "/app/data/store", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
