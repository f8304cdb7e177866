"""gunicorn's logger, with the access line written straight from the six fields Parcours logs.

gunicorn builds every « atom » a format could name before it writes an access line: the request's and
the response's headers and the whole WSGI environ, copied into a dictionary at each request. Under the
load test that was 1.5 % of the app's CPU (issue 18) for a line that uses six of them. `AccessLogger`
writes the same line from those six when the format is production's (`ACCESS_LOG_FORMAT`, set by
config/gunicorn.conf.py); any other format is left to gunicorn.

What the line holds is chosen for privacy: the client's address, the method, the path (ids only,
never the query string, where a search types a name), the status, the bytes sent, the duration.
"""

from gunicorn import glogging

ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class AccessLogger(glogging.Logger):
    def access(self, resp, req, environ, request_time):
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        milliseconds = request_time.seconds * 1000 + int(request_time.microseconds / 1000)
        try:
            self.access_log.info(
                '%s "%s %s" %s %s %sms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD") or "-",
                environ.get("PATH_INFO") or "-",
                status,
                getattr(resp, "sent", None),
                milliseconds,
            )
        except Exception:  # as gunicorn: a line that cannot be written never fails the request
            self.exception("access log")
