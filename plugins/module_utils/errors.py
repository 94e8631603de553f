# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed rac failures and the one classifier that maps rac's stderr to them.

The error texts are the ones real rac prints (see tests/samples/ and the
contract notes in docs/rac_contract.md). rac exits 255 on every failure on
Linux (-1 on Windows); the text on stderr is what tells the failures apart.
Server-side texts are in the server's language (Russian on a Russian server);
rac's own texts follow the client locale. English server texts are not
captured anywhere we know of, so the English patterns below are guesses kept
deliberately narrow; anything unrecognised stays a plain RacError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


class RacError(Exception):
    """A call to ras failed. Where it failed is data: ``host``, ``port``, ``cluster`` (as the user knows it) and
    ``infobase`` (its name), attached by the client (``locate``); ``where`` is their text for messages."""

    summary = "the call to ras failed"
    hint = ""
    transient = False

    def __init__(self, detail="", rc=None, command=None, from_rac=False, said_by="rac", host=None, port=None,
                 cluster=None, infobase=None):
        super(RacError, self).__init__(detail)
        self.detail = (detail or "").strip()
        self.from_rac = from_rac  # detail is the server's or rac's own text (else the collection's words)
        self.said_by = said_by  # who said it: "rac", or "ras" for the native backend
        self.rc = rc
        self.command = command  # masked argument list, safe to show
        self.host, self.port, self.cluster, self.infobase = host, port, cluster, infobase

    def locate(self, host, port, cluster=None, infobase=None):
        """Attach where the error happened, unless it already knows (the innermost caller knows best)."""
        if self.host is None:
            self.host, self.port, self.cluster, self.infobase = host, port, cluster, infobase
        return self

    @property
    def where(self):
        """'ras host:port, cluster X, infobase Y' as far as known, or None."""
        return where_text(self.host, self.port, self.cluster, self.infobase)

    def describe(self):
        parts = [self.summary]
        if self.where:
            parts[0] += " (%s)" % self.where
        if self.detail:
            text = " / ".join(self.detail.splitlines())
            parts.append("%s said: %s" % (self.said_by, text) if self.from_rac else text)
        if self.hint:
            parts.append(self.hint)
        return ". ".join(p.rstrip(".") for p in parts) + "."

    def __str__(self):
        return self.describe()


def where_text(host, port, cluster=None, infobase=None):
    """The place of a call in words, as every message names it: 'ras srv1:1545, cluster 'Main' (uuid)'."""
    if host is None:
        return None
    parts = ["ras %s:%s" % (host, port)]
    if cluster:
        parts.append("cluster %s" % cluster)
    if infobase:
        parts.append("infobase %s" % infobase)
    return ", ".join(parts)


class RacNotFoundError(RacError):
    summary = "rac executable not found"
    hint = ("Install the 1C:Enterprise server or administration tools on the host that runs "
            "the module (the controller by default), or set rac_path to the rac executable")


class RacTimeoutError(RacError):
    summary = "the call to ras did not finish in time"
    hint = "Check that ras answers, or raise the timeout option (seconds per call)"
    transient = True


class RacOutputTooLargeError(RacError):
    summary = "rac printed more than this collection reads"
    hint = ("Check that rac_path is 1C's rac (not a script that prints without end), or narrow the call "
            "(infobase filters list fewer sessions)")


class RasProtocolError(RacError):
    """The native backend got bytes it cannot read (not ras, a proxy in the way, or a ras version it does not know)."""

    summary = "the answer of the 1C administration server (ras) is not in the RAS protocol this collection speaks"
    hint = ("Check that ras_host and ras_port point at ras itself (not at ragent, a proxy or another service), "
            "or use backend: rac")


class RasStrayPacketError(RasProtocolError):
    """ras sent a packet nobody asked for: that connection cannot be trusted, a fresh one may be (retried)."""

    transient = True


class RasUnreachableError(RacError):
    summary = "cannot connect to the 1C administration server (ras)"
    transient = True

    @property
    def hint(self):
        """Names the host and port that were tried, since the default 1545 is often not it."""
        if self.host is None:
            return ("Check that ras is running and listening on the port given in ras_port "
                    "(ras cluster --port=<port>), and that ras_host and ras_port are right")
        return ("Check that ras is running on %s and listening on port %s (ras cluster --port=%s), "
                "and that ras_host and ras_port are right" % (self.host, self.port, self.port))


class RasBackendError(RacError):
    summary = "ras answered but could not reach the cluster's agent or working process"
    hint = "Check that ragent and rphost are running on the 1C server and that ras can reach them"
    transient = True


class ClusterAuthError(RacError):
    summary = "cluster administrator not authenticated"
    hint = ("Set cluster_user and cluster_password to the credentials of a cluster administrator "
            "(rac cluster admin list shows them)")


class InfobaseAuthError(RacError):
    summary = "infobase administrator credentials missing or wrong"

    @property
    def hint(self):
        """Names the infobase when the client knows it."""
        return ("%s has users: set infobase_user and infobase_password to a user with administrative rights in it"
                % ("Infobase %s" % self.infobase if self.infobase else "This infobase"))


class ClusterNotFoundError(RacError):
    summary = "cluster not found"
    hint = "Set cluster to a cluster name or uuid that 'rac cluster list' shows on this ras"


class InfobaseNotFoundError(RacError):
    summary = "infobase not found"
    hint = "Use an infobase name or uuid that 'rac infobase summary list' shows in this cluster"


class SessionNotFoundError(RacError):
    summary = "session not found"
    hint = "The session has ended or never existed"


class ConnectionNotFoundError(RacError):
    summary = "connection not found"
    hint = "The connection has closed or never existed"


class DataChangedError(RacError):
    summary = "the infobase was changed by someone else at the same time"
    hint = "Read it again and repeat the change"


class LockClaimedError(RacError):
    """Another holder (a maintenance window of another run) claims the lock: nothing was changed."""

    summary = "another holder claims the lock of these infobases"
    hint = ("Nothing was changed by this task. Let that run finish (it puts the earlier lock back), "
            "then start again")


class RacArgumentError(RacError):
    summary = "rac rejected its command line"
    hint = "This is a bug or a rac version this collection does not know; please report it with the rac version"


class RacParseError(RacError):
    summary = "could not read rac's output"
    hint = "The output is not in rac's 'key : value' layout; check the rac version or the ras answer"


class ModuleInputError(RacError):
    """Bad input caught before any rac call (malformed uuid, unknown name...)."""

    summary = "invalid input"


# (compiled pattern, error class), first match wins. Order matters: the
# two-line authentication failure starts with the generic
# "Ошибка операции администрирования" line, so look for the specific reason.
_PATTERNS = [
    (r"Администратор кластера не аутентифицирован|cluster administrator is not authenticated", ClusterAuthError),
    (r"Недостаточно прав пользователя на информационную базу|insufficient (user )?rights (for|on|to) (the )?infobase",
     InfobaseAuthError),
    (r"Кластер с указанным идентификатором не найден|cluster with the specified id.* not found", ClusterNotFoundError),
    (r"Информационная база с указанным идентификатором не найдена|infobase with the specified id.* not found",
     InfobaseNotFoundError),
    # The second form is what older 8.3 builds say for a session ending meanwhile.
    (r"Сеанс с указанным идентификатором не найден|Сеанс отсутствует или удален|session with the specified id.* not found",
     SessionNotFoundError),
    # 8.3.21 server text; 8.5.1 names the uuid ("Соединение <uuid> не найдено").
    (r"Соединение с указанным идентификатором не найдено|Соединение [0-9a-fA-F-]{36} не найдено"
     r"|connection with the specified id.* not found", ConnectionNotFoundError),
    (r"Ошибка разбора параметра|Error parsing option", RacArgumentError),
    (r"Ошибка соединения с сервером|Connection refused|Попытка установить соединение была безуспешной"
     r"|No route to host|Name or service not known|Temporary failure in name resolution|Network is unreachable"
     r"|Connection reset by peer|server connection error", RasUnreachableError),
    # UNVERIFIED: no capture shows rac's text for an update that lost a race with another change (8.5.4 has
    # --data-version for optimistic locking); these are the platform's usual words for it.
    (r"изменены другим пользователем|изменен другим пользователем|changed by another user|data-version",
     DataChangedError),
    # ras is up, its link to ragent/rphost is not: " server_addr=tcp://host:1560 descr=... file=...DataExchange..."
    (r"server_addr=tcp://\S+ descr=", RasBackendError),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), cls) for p, cls in _PATTERNS]


def classify(stderr, stdout=""):
    """Return the RacError subclass for what a failed rac run (rc != 0) or ras said."""
    text = "%s\n%s" % (stderr or "", stdout or "")
    for pattern, cls in _COMPILED:
        if pattern.search(text):
            return cls
    return RacError


# Exception classes of the RAS protocol (native backend) -> error class; the class does not depend on the server's
# language. #Failure covers several causes (administrator not authenticated, data changed...): its text decides.
_EXCEPTION_CLASSES = {
    "v8.service.Admin.Cluster#Rights": InfobaseAuthError,
    "v8.service.Admin.Cluster#SessionNotFound": SessionNotFoundError,
    "v8.service.Admin.Cluster#ClusterNotFound": ClusterNotFoundError,
    "v8.service.Admin.Cluster#InfoBaseNotFound": InfobaseNotFoundError,
    "v8.service.Admin.Cluster#ConnectionNotFound": ConnectionNotFoundError,
    # what 8.5.1 answers to a disconnect of an unknown connection ("Соединение <uuid> не найдено")
    "v8.service.Admin.Cluster#ClientNotFound": ConnectionNotFoundError,
    # ras lost its link to ragent/rphost ("recv returns zero, disconnected")
    "swp.UnknownThrowable": RasBackendError,
}


def error_from_exception(name, text):
    """A RAS exception answer (class name, server text) -> the typed error the rac backend raises for it."""
    cls = _EXCEPTION_CLASSES.get(name)
    if cls is None:
        cls = classify(text)
    return cls(text or name, from_rac=True, said_by="ras")


def error_from_run(rc, stderr, stdout="", command=None):
    cls = classify(stderr, stdout)
    detail = (stderr or "").strip() or (stdout or "").strip() or "exit code %s and no message" % rc
    return cls(detail, rc=rc, command=command, from_rac=True)
