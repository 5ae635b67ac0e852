# The endpoint with the bundled graph: `docker build -t celltrials-kg . && docker run -p 8000:8000 celltrials-kg`
# Checked by `../shared/tools/container-check` (run by .ci/run): the image builds and serves.

# -- build: the project's wheel, installed with its dependencies into a venv of its own --------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# What a clone holds that the wheel needs: the package (kg/_data links to the three folders).
COPY pyproject.toml README.md ./
COPY kg ./kg
COPY queries ./queries
COPY seeds ./seeds
COPY ontology ./ontology
# A venv without pip or setuptools: the build tools stay in this stage.
RUN pip wheel --no-deps --wheel-dir /dist . \
 && python -m venv --without-pip /opt/kg \
 && pip --python /opt/kg/bin/python install /dist/celltrials_kg-*.whl

# -- runtime: the venv alone on the same base ----------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/kg/bin:$PATH
COPY --from=build /opt/kg /opt/kg
RUN useradd --create-home --uid 10001 kg \
 && mkdir -p /app/data && chown kg /app/data
USER kg
WORKDIR /app
# The graph, built from the bundled seeds at image build time, so a container serves at once
# (without the term cache: it would only add ~60 MB to the image).
RUN KG_INDEX_CACHE=off kg build --store /app/data/store --quiet

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sparql?query=ASK%7B%7D', timeout=4)"
CMD ["kg", "serve", "--store", "/app/data/store", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
