"""The web side of the knowledge graph: SPARQL 1.1 Protocol endpoint, canned queries,
a page for every IRI the graph mints, the query workbench, and dumps.

``create_app`` (kg.server.app) builds the Flask app; ``kg serve`` (kg.server.serve) runs
it under gunicorn. Store access happens in killable query processes
(kg.server.executor / kg.server.worker), never in the web process itself. This package
module imports nothing, so a query process starts without loading Flask.
"""
