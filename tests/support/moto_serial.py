"""moto's S3 server, answering one request at a time.

moto 5 checks If-None-Match / If-Match and then writes without a lock on a threaded server,
so two concurrent conditional PUTs can both win. Real S3 applies them atomically; serializing
requests gives the tests that guarantee. Usage: python3 moto_serial.py HOST PORT
"""
import io
import logging
import sys
import threading

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serial(environ, start_response):
    # The body is read before taking the lock: a client that stalls mid-upload must not hold up
    # every other request.
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = environ["wsgi.input"].read(int(length))
        if len(body) != int(length):
            # A client cut off mid-upload (killed, reset): real S3 stores nothing (IncompleteBody).
            start_response("400 Bad Request", [("Content-Type", "application/xml")])
            return [b"<Error><Code>IncompleteBody</Code><Message>cut off</Message></Error>"]
    elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        body = environ["wsgi.input"].read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    with lock:
        return list(app(environ, start_response))


# One log line per request is noise in the test's log file; errors still reach it.
logging.getLogger("werkzeug").setLevel(logging.ERROR)
run_simple(sys.argv[1], int(sys.argv[2]), serial, threaded=True)
