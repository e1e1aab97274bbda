"""A client of the virtkit wire contract's Connect JSON path (HTTP/1.1 POST + JSON; no gRPC library).

Unary calls: ``POST /virtkit.v1.DriverService/<Method>`` with ``Content-Type: application/json``. Server streams
(``CallWithProgress``, ``WatchEvents``): ``Content-Type: application/connect+json``, every message framed by one
flag byte and a 4-byte big-endian length; the frame with flag 2 ends the stream (and carries an error, if any).
A failure carries the virtkit error (code, class name, message, fields) in the ``virtkit-error`` header (unary)
or the end-of-stream metadata (streams). One connection per call: eventlet's green sockets make that cheap and
no connection is shared between green threads.
"""
import http.client
import json
import os
import ssl
import sys
import time
import struct
import threading
import urllib.parse
import uuid as uuidlib

CONTRACT_VERSION = '1.0.0'
SERVICE = '/virtkit.v1.DriverService/'
# VIRTKIT_TRACE=1: every unary call's duration on stderr (debugging slow runs).
_TRACE = os.environ.get('VIRTKIT_TRACE') == '1'
HARNESS = '/virtkit.v1.HarnessService/'
# Request header of a call made while a callback of a served call runs here: the invocation's operation id. The
# server runs such a call as part of the served call (as core does in process), instead of queueing it behind the
# served call that holds the instance and waits for the callback (a deadlock).
OPERATION_HEADER = 'virtkit-operation'
# The callback invocations running now, by (green) thread: thread id -> (server target, operation id). Keyed by
# threading.get_ident() looked up at call time, so under eventlet's monkey-patching it names the green thread even
# if this module was imported before the patching: only the calls the callback itself makes carry the id, never
# those of other green threads (another request's calls, Nova's RPC handlers) that run meanwhile.
_RUNNING = {}


class RemoteError(Exception):
    """A failed call: the virtkit error (``code``, ``name``, ``data``) or a transport failure (``DRIVER_ERROR``)."""

    def __init__(self, code, message, name=None, data=None, http_status=None, retryable=False):
        super().__init__('[%s] %s' % (code, message))
        self.code = code
        self.message = message
        self.name = name
        self.data = data or {}
        self.http_status = http_status
        self.retryable = retryable


def _error_from(header_value, status, body):
    if header_value:
        try:
            e = json.loads(urllib.parse.unquote(header_value))
            return RemoteError(e.get('code', 'DRIVER_ERROR'), e.get('message', ''), e.get('name'), e.get('data'), status)
        except ValueError:
            pass
    message = body.get('message') if isinstance(body, dict) else None
    return RemoteError('DRIVER_ERROR', message or 'HTTP %s' % status, http_status=status)


class VirtkitClient(object):
    """Calls one served driver (optionally one host of it, the ``virtkit-host`` header)."""

    def __init__(self, address, served_host=None, token=None, ca_file=None, cert_file=None, key_file=None,
                 timeout=300.0):
        url = urllib.parse.urlsplit(address if '://' in address else 'http://' + address)
        if url.scheme not in ('http', 'https'):
            raise ValueError('virtkit agent_address must be http://host:port or https://host:port, got %r' % address)
        self.host = url.hostname
        self.port = url.port or (443 if url.scheme == 'https' else 80)
        self.tls = None
        if url.scheme == 'https':
            self.tls = ssl.create_default_context(cafile=ca_file)
            if cert_file:
                self.tls.load_cert_chain(cert_file, key_file)
        self.served_host = served_host
        self.token = token
        self.timeout = timeout
        # Who the calls go to: an operation id is sent only to the server (and host) whose callback runs.
        self.target = (self.host, self.port, served_host)

    def _connection(self, timeout=None):
        t = timeout if timeout is not None else self.timeout
        if self.tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=t, context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=t)

    def _headers(self, content_type):
        h = {'Content-Type': content_type, 'Connect-Protocol-Version': '1',
             'Connect-Timeout-Ms': str(int(self.timeout * 1000))}
        if self.token:
            h['Authorization'] = 'Bearer ' + self.token
        if self.served_host:
            h['virtkit-host'] = self.served_host
        running = _RUNNING.get(threading.get_ident())
        if running is not None and running[0] == self.target:
            h[OPERATION_HEADER] = running[1]
        return h

    def unary(self, method, body, service=SERVICE):
        if _TRACE:
            started = time.time()
            try:
                return self._unary(method, body, service)
            finally:
                sys.stderr.write('virtkit-trace %.3f %s %s\n' % (time.time() - started, method,
                                                                 body.get('method', '') if isinstance(body, dict) else ''))
        return self._unary(method, body, service)

    def _unary(self, method, body, service):
        conn = self._connection()
        try:
            try:
                conn.request('POST', service + method, json.dumps(body).encode(), self._headers('application/json'))
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as e:
                raise RemoteError('DRIVER_ERROR', 'the served driver at %s:%s is unavailable: %s'
                                  % (self.host, self.port, e), 'RemoteUnavailableError', retryable=True)
            try:
                payload = json.loads(raw) if raw else {}
            except ValueError:
                payload = {}
            if response.status != 200:
                raise _error_from(response.getheader('virtkit-error'), response.status, payload)
            return payload
        finally:
            conn.close()

    # ---- the contract ----

    def describe(self):
        return self.unary('Describe', {'clientContractVersion': CONTRACT_VERSION})

    def call(self, method, request):
        """A capability call (``Call``); returns the result JSON (None for calls returning nothing)."""
        return self.unary('Call', {'method': method, 'request': request}).get('result')

    def call_streaming(self, method, request, callbacks=None, on_progress=None):
        """``CallWithProgress``: progress reports, callbacks run here (answered with CompleteCallback), the result.

        ``callbacks`` maps the ids used as ``{"$callback": id}`` in the request to Python callables taking the
        invocation's JSON arguments.
        """
        call_id = str(uuidlib.uuid4())
        message = json.dumps({'method': method, 'request': request, 'callId': call_id}).encode()
        conn = self._connection()
        try:
            try:
                conn.request('POST', SERVICE + 'CallWithProgress', struct.pack('>BI', 0, len(message)) + message,
                             self._headers('application/connect+json'))
                response = conn.getresponse()
            except (OSError, http.client.HTTPException) as e:
                raise RemoteError('DRIVER_ERROR', 'the served driver is unavailable: %s' % e,
                                  'RemoteUnavailableError', retryable=False)
            if response.status != 200:
                raw = response.read()
                raise _error_from(response.getheader('virtkit-error'), response.status,
                                  json.loads(raw) if raw else {})
            result = None
            for flags, frame in _frames(response):
                if flags & 2:
                    error = frame.get('error')
                    if error:
                        header = (frame.get('metadata') or {}).get('virtkit-error')
                        raise _error_from(header[0] if isinstance(header, list) else header, 500, error)
                    return result
                if 'result' in frame:
                    result = (frame['result'] or {}).get('result')
                elif 'progress' in frame and on_progress is not None:
                    on_progress(frame['progress'])
                elif 'callback' in frame:
                    self._run_callback(call_id, frame['callback'], callbacks or {})
            raise RemoteError('DRIVER_ERROR', 'the stream of %s ended without its end-of-stream frame' % method)
        finally:
            conn.close()

    def _run_callback(self, call_id, invocation, callbacks):
        answer = {'callId': call_id, 'invocation': invocation.get('invocation', '0')}
        fn = callbacks.get(invocation.get('callbackId'))
        me = threading.get_ident()
        outer = _RUNNING.get(me)
        operation = invocation.get('operationId')
        if operation:  # a server that predates operation ids sends none: the calls are then ordinary ones
            _RUNNING[me] = (self.target, operation)
        try:
            if fn is None:
                raise KeyError('no callback %r' % invocation.get('callbackId'))
            answer['result'] = _jsonable(fn(*(invocation.get('args') or [])))
        except Exception as e:  # the served driver gets the failure as the callback's error
            answer['error'] = {'code': 'DRIVER_ERROR', 'name': type(e).__name__, 'message': str(e)}
        finally:
            if outer is None:
                _RUNNING.pop(me, None)
            else:
                _RUNNING[me] = outer
        self.unary('CompleteCallback', answer)

    def open_event_stream(self, from_sequence=None, epoch=None):
        """``WatchEvents``: an open HTTP response whose frames are read with :func:`read_frames`."""
        body = {}
        if from_sequence is not None:
            body['fromSequence'] = str(from_sequence)
            if epoch:
                body['epoch'] = epoch
        message = json.dumps(body).encode()
        # No read timeout: the stream is idle between events.
        conn = self._connection(timeout=None)
        conn.timeout = None
        conn.request('POST', SERVICE + 'WatchEvents', struct.pack('>BI', 0, len(message)) + message,
                     self._headers('application/connect+json'))
        response = conn.getresponse()
        if response.status != 200:
            raw = response.read()
            conn.close()
            raise _error_from(response.getheader('virtkit-error'), response.status, json.loads(raw) if raw else {})
        return conn, response

    # ---- the harness (tests only: fresh hosts on a serving process started with --harness) ----

    def open_host(self, hostname):
        return self.unary('OpenHost', {'hostname': hostname}, service=HARNESS)['hostId']

    def run_fixture(self, name, *args):
        return self.unary('RunFixture', {'name': name, 'args': list(args)}, service=HARNESS).get('result')

    def close_host(self, host_id):
        self.unary('CloseHost', {'hostId': host_id}, service=HARNESS)


def _frames(response):
    while True:
        head = response.read(5)
        if len(head) < 5:
            return
        flags, size = struct.unpack('>BI', head)
        raw = response.read(size) if size else b''
        yield flags, (json.loads(raw) if raw else {})


read_frames = _frames


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return None
