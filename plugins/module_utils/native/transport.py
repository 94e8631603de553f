# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One TCP connection to ras speaking the RAS protocol: framing, negotiation, authentication, one call at a time.

The bytes are codec.py's; this module owns the socket and turns every fault into a typed error that names the
server, never a hang (every read has a deadline) nor a traceback:
- nothing listening, a reset, ras closing mid-answer: RasUnreachableError (transient: the caller retries on a new
  connection, as the rac backend does);
- a call (connect, open, authentication, request, answer: everything between ``begin`` and ``end``) not done
  within ``timeout``: RacTimeoutError (transient), its message stating the time it really took;
- a packet nobody asked for (bytes waiting before a request is sent): RasStrayPacketError (transient: that
  connection is dropped, the call retried on a fresh one; the request was not sent on it);
- bytes that are not the RAS protocol, or no service version in common: RasProtocolError (permanent);
- an exception answer from ras: the same typed error the rac backend raises for rac's text of it
  (errors.error_from_exception).
Calls on one connection are strictly request -> answer (there are no request ids): a connection is used by one
caller at a time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import select
import socket
import time

from ansible_collections.onec.cluster.plugins.module_utils.native import codec
from ansible_collections.onec.cluster.plugins.module_utils.errors import (
    RacTimeoutError,
    RasProtocolError,
    RasStrayPacketError,
    RasUnreachableError,
    error_from_exception,
)

# A packet bigger than this is not believed (a session list of 10,000 sessions is about 5 MB).
MAX_PACKET = 256 * 1024 * 1024


class RasConnection:
    """A connection to one ras, opened on the newest service version both sides speak."""

    def __init__(self, host, port, timeout=30, versions=codec.SERVICE_VERSIONS):
        self.host = host
        self.port = port
        self.address = "%s:%s" % (host, port)
        self.timeout = timeout
        self.versions = tuple(versions)
        self.version = None
        self.sock = None
        self.buffer = bytearray()
        self.calls = 0
        self.started = None  # when the current call began (begin), for its deadline and messages
        self._cluster_auth = {}  # cluster -> (user, password) sent on this connection
        self._infobase_auth = {}

    # -- the call's clock -------------------------------------------------------------------------------------
    def begin(self):
        """Start one call: from now on everything this connection does must be done within ``timeout``."""
        self.started = time.monotonic()

    def end(self):
        self.started = None

    def _deadline(self):
        return (self.started if self.started is not None else time.monotonic()) + self.timeout

    def _left(self, deadline, doing):
        """Seconds left before ``deadline``; a RacTimeoutError stating the real time taken when none are."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out(deadline, doing)
        return left

    def _timed_out(self, deadline, doing):
        self._drop()
        return RacTimeoutError("ras %s: %s; the call took %.1f s, its timeout is %s s"
                               % (self.address, doing, time.monotonic() - (deadline - self.timeout), self.timeout))

    # -- life cycle -------------------------------------------------------------------------------------------
    def open(self):
        """Connect and open the admin endpoint: the newest version we speak that ras takes.

        A refusal (0x0f) moves to the next lower version, on a fresh connection. The versions ras names after
        ``supported=`` only reorder the ones left (those it named first), never remove one: the refusal's layout
        is UNVERIFIED (codec.read_open_failure).
        """
        wanted = list(self.versions)
        refusals, supported = [], []
        while wanted:
            version = wanted.pop(0)
            self._connect()
            self._send(codec.INIT_BLOCK)
            kind, payload = self._read_packet()
            if kind != codec.CONNECT_ACK:
                raise self._protocol("the server did not acknowledge the connection (packet 0x%02x)" % kind)
            self._send(codec.endpoint_open(version))
            kind, payload = self._read_packet()
            if kind == codec.ENDPOINT_OPEN_ACK:
                try:
                    opened = codec.read_open_ack(payload)
                except codec.CodecError as exc:
                    raise self._protocol(str(exc))
                if opened != (codec.SERVICE, version):
                    raise self._protocol("asked for %s %s, ras opened %s %s" % ((codec.SERVICE, version) + opened))
                self.version = version
                return self
            if kind != codec.ENDPOINT_FAILURE:
                raise self._protocol("unexpected packet 0x%02x when opening the admin service" % kind)
            # UNVERIFIED: no capture of a refused version exists; a fresh connection per attempt is the safe way.
            self.close()
            failure = codec.read_open_failure(payload)
            said = ": ".join(part for part in (failure.name, failure.message) if part)
            refusals.append("%s (ras said: %s)" % (version, said) if said else "%s (refused)" % version)
            if failure.supported:
                supported = failure.supported
                wanted = [v for v in wanted if v in supported] + [v for v in wanted if v not in supported]
        raise self._protocol("ras opened none of the service versions this collection speaks; tried %s; %s"
                             % ("; ".join(refusals), "ras named as supported: %s" % ", ".join(supported) if supported
                                else "ras named no version it supports"))

    def _connect(self):
        deadline = self._deadline()
        try:
            self.sock = socket.create_connection((self.host, self.port),
                                                 timeout=self._left(deadline, "no connection accepted"))
        except socket.timeout:
            raise self._timed_out(deadline, "no connection accepted")
        except (OSError, ValueError) as exc:
            raise RasUnreachableError("cannot connect to %s: %s" % (self.address, _reason(exc)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def close(self):
        """Close politely when possible; a broken connection is simply dropped."""
        if self.sock is None:
            return
        try:
            if self.version:
                self.sock.sendall(codec.endpoint_close())
        except OSError:
            pass
        try:
            self.sock.close()
        finally:
            self.sock = None
            self.version = None
            self._cluster_auth = {}
            self._infobase_auth = {}

    # -- calls ------------------------------------------------------------------------------------------------
    def authenticate_cluster(self, cluster, user, password):
        """Cluster administrator authentication (0x09), once per connection and cluster."""
        credentials = (user or "", password or "")
        if self._cluster_auth.get(cluster) != credentials:
            self._exchange(codec.cluster_auth(cluster, user, password))
            self._cluster_auth[cluster] = credentials

    def authenticate_infobase(self, cluster, user, password):
        """Infobase user for the next calls (0x0a). ras always acknowledges it: a wrong password shows on the next
        call that needs it, as #Rights."""
        credentials = (user or "", password or "")
        if self._infobase_auth.get(cluster) != credentials:
            self._exchange(codec.infobase_auth(cluster, user, password))
            self._infobase_auth[cluster] = credentials

    def call(self, request, answer=None):
        """Send one request; -> a Reader on the answer's body (``answer`` = expected method id) or None for an ack.

        An exception answer raises its typed error. ``calls`` counts these, not the authentications.
        """
        self.calls += 1
        return self._exchange(request, answer)

    def _exchange(self, request, answer=None):
        if self.sock is None:
            self.open()
        self._refuse_stray()
        self._send(request)
        deadline = self._deadline()
        while True:
            kind, payload = self._read_packet(deadline)
            if kind == codec.KEEP_ALIVE:
                continue
            if kind != codec.ENDPOINT_MESSAGE:
                raise self._protocol("unexpected packet 0x%02x in answer to a call" % kind)
            break
        try:
            message = codec.read_message(payload)
            if message.kind == codec.KIND_EXCEPTION:
                name, text = codec.read_exception(message.body)
                error = error_from_exception(name, text)
                raise error
        except codec.CodecError as exc:
            raise self._protocol(str(exc))
        if message.kind == codec.KIND_ACK:
            if answer is not None:
                raise self._protocol("a bare acknowledgement where answer 0x%02x was expected" % answer)
            return None
        if answer is None or message.method != answer:
            raise self._protocol("answer 0x%02x where %s was expected"
                                 % (message.method, "0x%02x" % answer if answer is not None else "an acknowledgement"))
        return message.body

    def decode(self, decoder, reader):
        """decoder(reader, version), any undecodable byte a RasProtocolError naming the server."""
        try:
            return decoder(reader, self.version)
        except codec.CodecError as exc:
            raise self._protocol(str(exc))

    # -- bytes ------------------------------------------------------------------------------------------------
    def _refuse_stray(self):
        """Before a request the connection must hold no unread bytes: an answer read after it would be taken for
        the request's own (a stray acknowledgement reporting a refused terminate as done). Keep-alives are
        harmless; anything else drops the connection, and the call is retried on a fresh one."""
        while True:
            try:
                # poll, not select: select() refuses a descriptor above 1023, and the fleet form holds many
                # connections in one process (50 servers x 32 connections)
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                readable = bool(poller.poll(0))
                data = self.sock.recv(1 << 20) if readable else b""
            except OSError:
                readable, data = False, b""
            if readable and not data:
                self._drop()
                raise RasUnreachableError("ras %s closed the connection between calls" % self.address)
            self.buffer.extend(data)
            found = codec.read_packet(self.buffer) if self.buffer else None
            if found is not None and found[0] == codec.KEEP_ALIVE:
                del self.buffer[:found[2]]
                continue
            if self.buffer:
                kind = self.buffer[0]
                self._drop()
                raise RasStrayPacketError("ras %s sent a packet (0x%02x) nobody asked for; the connection was "
                                          "dropped before the request was sent on it" % (self.address, kind))
            if not readable:
                return

    def _send(self, data):
        deadline = self._deadline()
        try:
            self.sock.settimeout(self._left(deadline, "the request was not taken"))
            self.sock.sendall(data)
        except socket.timeout:
            raise self._timed_out(deadline, "the request was not taken")
        except OSError as exc:
            self._drop()
            raise RasUnreachableError("the connection to %s broke: %s" % (self.address, _reason(exc)))

    def _read_packet(self, deadline=None):
        deadline = deadline or self._deadline()
        while True:
            try:
                found = codec.packet_bounds(self.buffer)
            except codec.CodecError as exc:
                raise self._protocol(str(exc))
            if found is not None:
                return self._take_packet(*found)
            self._check_length()
            left = self._left(deadline, "no complete answer arrived")
            try:
                self.sock.settimeout(left)
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except OSError as exc:
                self._drop()
                raise RasUnreachableError("the connection to %s broke: %s" % (self.address, _reason(exc)))
            if not data:
                had = len(self.buffer)
                self._drop()
                raise RasUnreachableError(
                    "ras %s closed the connection %s" % (
                        self.address, "in the middle of an answer (%d bytes of it arrived)" % had if had
                        else "without answering"))
            self.buffer.extend(data)

    def _take_packet(self, kind, start, end):
        """The packet's payload as a view on the buffer it arrived in, not a copy (a session list of 30,000 is tens
        of MB); that buffer is handed over, what followed the packet goes to a new one."""
        received = self.buffer
        self.buffer = bytearray(received[end:]) if end < len(received) else bytearray()
        return kind, memoryview(received)[start:end]

    def _check_length(self):
        """A packet header announcing more than MAX_PACKET is not waited for."""
        if len(self.buffer) < 2:
            return
        length = shift = 0
        for byte in self.buffer[1:6]:
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if length > MAX_PACKET:
            raise self._protocol("a packet announces %d bytes" % length)

    def _drop(self):
        """Forget a connection that cannot be trusted any more (the next call opens a new one)."""
        sock, self.sock = self.sock, None
        self.version = None
        self._cluster_auth = {}
        self._infobase_auth = {}
        self.buffer = bytearray()
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def _protocol(self, detail):
        self._drop()
        return RasProtocolError("ras %s: %s" % (self.address, detail))


def _reason(exc):
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
