"""Reminders on a schedule inside ``claimkb serve`` (``CLAIMKB_REMIND_EVERY`` minutes; 0: off).

Every worker process of every host starts this thread; before each run it asks the accounts
database for the ``remind`` lease (``Watchlists.lease``), which one process at a time holds, so
one host sends and the others skip that round. Even if two runs overlapped (a run slower than
its lease), the per-reminder reservations keep any mail from going twice. ``claimkb remind`` from
cron uses the same reservations, so cron and the schedule may both be set.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from flask import Flask

from kb import settings as kb_settings
from kb.errors import KBError
from kb.watch.mail import Mailer
from kb.watch.reminders import send_reminders
from kb.watch.watchlists import Watchlists
from webapp.extensions import _ACCOUNTS_KEY, _EXTENSION_KEY

log = logging.getLogger(__name__)


def start_schedule(app: Flask) -> threading.Event | None:
    """Start the reminder thread if the settings ask for one; returns the event that stops it."""
    values = app.config["CLAIMKB"]
    try:
        minutes = kb_settings.number(values, "remind_every")
    except ValueError as error:
        raise KBError(str(error)) from error
    if minutes <= 0:
        return None
    mailer = Mailer.from_settings(values.get("smtp_url"), values.get("mail_from") or "claimkb@localhost")
    if mailer is None:
        log.warning("claimkb: CLAIMKB_REMIND_EVERY is set but CLAIMKB_SMTP_URL is not: no reminders are sent")
        return None
    stop = threading.Event()
    holder = f"{socket.gethostname()}:{os.getpid()}"
    period = minutes * 60

    kb = app.extensions[_EXTENSION_KEY]
    watchlists = Watchlists(app.extensions[_ACCOUNTS_KEY])

    def run() -> None:
        while not stop.wait(period):
            try:
                # The lease lasts a little less than the period, so the next round is free again.
                if watchlists.lease("remind", holder, period * 0.9):
                    report = send_reminders(kb, watchlists, mailer, site=str(kb.iris.base), host=holder)
                    log.info("claimkb: scheduled reminders: %s", report.summary())
            except Exception:  # a bad round (store down, mail server down) must not end the schedule
                log.exception("claimkb: the scheduled reminder run failed; trying again next round")

    thread = threading.Thread(target=run, name="claimkb-reminders", daemon=True)
    thread.start()
    app.extensions["claimkb_remind_stop"] = stop
    kb.close_hooks.insert(0, stop.set)  # before the accounts database closes
    return stop
