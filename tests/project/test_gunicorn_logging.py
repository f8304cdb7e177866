"""The access line of production's gunicorn (config/gunicorn_logging.py): the same line as gunicorn's own
logger writes with production's format, from six fields instead of every header and the environ."""

import datetime
from types import SimpleNamespace

from gunicorn import glogging
from gunicorn.config import Config

from config.gunicorn_logging import ACCESS_LOG_FORMAT, AccessLogger


def _line(logger_class, access_log_format, tmp_path, **overrides):
    path = tmp_path / f"{logger_class.__name__}-{len(list(tmp_path.iterdir()))}.log"
    config = Config()
    config.set("accesslog", str(path))
    config.set("access_log_format", access_log_format)
    logger = logger_class(config)
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=secret"), ("USER-AGENT", "locust")])
    environ = {
        "REMOTE_ADDR": "10.0.0.7",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/menages/42/",
        "QUERY_STRING": "q=Martin",
        "RAW_URI": "/menages/42/?q=Martin",
        "SERVER_PROTOCOL": "HTTP/1.1",
        **overrides,
    }
    logger.access(response, request, environ, datetime.timedelta(seconds=1, microseconds=234_567))
    for handler in list(logger.access_log.handlers):
        handler.close()
        logger.access_log.removeHandler(handler)
    return path.read_text()


def test_the_access_line_is_gunicorns_own_with_productions_format(tmp_path):
    ours = _line(AccessLogger, ACCESS_LOG_FORMAT, tmp_path)
    assert ours == _line(glogging.Logger, ACCESS_LOG_FORMAT, tmp_path)
    assert ours == '10.0.0.7 "GET /menages/42/" 200 5120 1234ms\n'
    # Never the query string, where a search types a name; never a header such as the cookie.
    assert "Martin" not in ours and "secret" not in ours


def test_a_missing_field_is_written_as_gunicorn_writes_it(tmp_path):
    ours = _line(AccessLogger, ACCESS_LOG_FORMAT, tmp_path, REMOTE_ADDR="-")
    assert ours == _line(glogging.Logger, ACCESS_LOG_FORMAT, tmp_path, REMOTE_ADDR="-")


def test_another_format_is_left_to_gunicorn(tmp_path):
    combined = '%(h)s %(l)s %(u)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    ours = _line(AccessLogger, combined, tmp_path)
    assert ours == _line(glogging.Logger, combined, tmp_path)
    assert '"GET /menages/42/?q=Martin HTTP/1.1"' in ours  # the other format's choice, not ours


def test_production_configuration_uses_it():
    config = {}
    with open("config/gunicorn.conf.py", encoding="utf-8") as source:
        exec(compile(source.read(), "gunicorn.conf.py", "exec"), config)  # noqa: S102  # nosec B102
    assert config["logger_class"] == "config.gunicorn_logging.AccessLogger"
    assert config["access_log_format"] == ACCESS_LOG_FORMAT
