"""Emails are safe from whatever the fields hold: no header injection, no runaway sizes, escaped HTML."""

from __future__ import annotations

import email
from datetime import datetime, timezone
from email.policy import default

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qaf.engine.notices import one_line
from qaf.usecases.mail import MailSettings, compose, message_id, read_settings

AT = datetime(2024, 5, 1, 5, 0, tzinfo=timezone.utc)


def received(msg):
    """The message as a mail client reads it, from the bytes qaf sends."""
    return email.message_from_bytes(msg.as_bytes(), policy=default)
SETTINGS = MailSettings(host="127.0.0.1", sender="qaf@example-council.gov.uk", base_url="https://qaf.example-council.gov.uk")


def test_a_subject_cannot_inject_a_header():
    msg = received(compose(SETTINGS, "k1", "olive.ops@example-council.gov.uk", "Alert\r\nBcc: everyone@example.org\r\n\r\nbody", "text", None, AT))
    assert msg["Bcc"] is None and "\n" not in msg["Subject"] and msg["Subject"].startswith("Alert Bcc: everyone@example.org")
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw


@pytest.mark.parametrize("address", ["olive@example.org\r\nBcc: x@example.org", "a@b.org, c@d.org", "Olive <olive@example.org>", "", "no-at-sign",
                                     "zo\u00eb@example.org", "olive\u200b@example.org"])  # SMTPUTF8: send_message's TypeError stopped every send
def test_anything_but_one_plain_address_is_refused(address):
    with pytest.raises(ValueError, match="not a single email address"):
        compose(SETTINGS, "k", address, "s", "t", None, AT)


def test_oversized_fields_are_cut():
    msg = received(compose(SETTINGS, "k", "olive.ops@example-council.gov.uk", "S" * 10_000, "B" * 200_000, None, AT))
    assert len(msg["Subject"]) == 200 and msg["Subject"].endswith("…")
    text = msg.get_body(("plain",)).get_content()
    assert len(text) < 51_000 and text.rstrip().endswith("[cut: too long]")


def test_html_is_escaped_and_links_go_to_the_api():
    msg = received(compose(SETTINGS, "k", "olive.ops@example-council.gov.uk", "s", "Note: <script>alert(1)</script> & more", "abc123", AT))
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "https://qaf.example-council.gov.uk/obligations/abc123" in msg.get_body(("plain",)).get_content()


def test_a_copy_that_is_not_one_address_is_left_out_and_named_with_why_the_rest_copied_once():
    """The Head of Safeguarding's address from before addresses were ASCII is left out of the Cc, and the message
    says so, as a server's refusal for good would, for the outbox to record; the recipient's own is not copied."""
    olive, head, bad = "olive.ops@example-council.gov.uk", "head.sg@example-council.gov.uk", "zo\u00eb@example-council.gov.uk"
    msg = compose(SETTINGS, "k", olive, "s", "t", None, AT, cc=(f" {head} ", bad, olive, ""))
    assert received(msg)["Cc"] == head
    assert list(msg.left_out) == [bad] and msg.left_out[bad][0] == 553 and "U+00EB" in msg.left_out[bad][1].decode()


def test_the_message_id_comes_from_the_outbox_key():
    a = compose(SETTINGS, "alert/outcome/x/2/1", "olive.ops@example-council.gov.uk", "s", "t", None, AT)
    b = compose(SETTINGS, "alert/outcome/x/2/1", "olive.ops@example-council.gov.uk", "s", "t", None, AT)
    assert a["Message-ID"] == b["Message-ID"] == message_id("alert/outcome/x/2/1")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_one_line_is_always_one_printable_line(text):
    line = one_line(text)
    assert "\n" not in line and "\r" not in line and all(ch.isprintable() for ch in line) and len(line) <= 200
    spaced = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())  # each control character a space
    assert line == (spaced if len(spaced) <= 200 else spaced[:199] + "…")
    msg = received(compose(SETTINGS, "k", "olive.ops@example-council.gov.uk", text, text, None, AT))  # never raises
    assert msg["Subject"] == one_line(text) and set(msg.keys()) == {"Content-Type", "MIME-Version", "From", "To", "Subject", "Date", "Message-ID", "X-Qaf-Key"}


def test_settings_from_the_environment_or_a_file(tmp_path):
    file = tmp_path / "qaf.env"
    file.write_text("# mail\nQAF_SMTP_HOST=smtp.example-council.gov.uk\nQAF_SMTP_PORT=587\nQAF_SMTP_STARTTLS=1\nQAF_MAIL_FROM=qa@example-council.gov.uk\n")
    s = read_settings({"QAF_SETTINGS": str(file), "QAF_SMTP_PORT": "2525"})
    assert (s.host, s.port, s.starttls, s.sender) == ("smtp.example-council.gov.uk", 2525, True, "qa@example-council.gov.uk")
    assert not read_settings({}).configured


def test_a_settings_file_saved_with_a_bom_not_in_utf_8_or_giving_a_key_twice_is_read_or_refused_at_its_line(tmp_path):
    """Notepad's UTF-8 begins with a BOM: the first line's key ('\ufeffQAF_SMTP_HOST') was no setting and was
    dropped, and no email was ever sent, without a word. A file in Windows-1252 was a UnicodeDecodeError
    traceback; a key given twice took the last silently; a QAF_SETTINGS naming no file was ignored."""
    import pytest

    from qaf.rules.problems import QafError

    file = tmp_path / "qaf.env"
    file.write_bytes(b"\xef\xbb\xbfQAF_SMTP_HOST=smtp.example-council.gov.uk\r\nQAF_SMTP_PORT=587\r\n")
    assert (read_settings({"QAF_SETTINGS": str(file)}).host, read_settings({"QAF_SETTINGS": str(file)}).port) == ("smtp.example-council.gov.uk", 587)
    for data, said in ((b"QAF_SMTP_HOST=smtp\nQAF_MAIL_FROM=caf\xe9@example.org\n", f"{file}:2: not UTF-8 text: byte 0xe9"),
                       (b"QAF_SMTP_HOST=smtp\n# x\nQAF_SMTP_HOST=localhost\n", f"{file}:3: QAF_SMTP_HOST is given twice (first on line 1): give it once")):
        file.write_bytes(data)
        with pytest.raises(QafError) as exc:
            read_settings({"QAF_SETTINGS": str(file)})
        assert str(exc.value).startswith(f"QAF_SETTINGS: {said}"), str(exc.value)
    with pytest.raises(QafError, match="QAF_SETTINGS=.*: no such file"):
        read_settings({"QAF_SETTINGS": str(tmp_path / "qaf.nv")})


def test_a_setting_read_from_the_environment_only_is_refused_in_the_settings_file_unless_the_environment_holds_it(tmp_path):
    """'QAF_OUTBOX_RETENTION_DAYS=1000' written in the QAF_SETTINGS file was ignored without a word (the file gives
    email's settings; that one is read from the environment), so the tick deleted the sent email the council meant
    to keep after 400 days. It is refused at its line, unless the environment holds it too, as when one file is
    both the service's environment file and QAF_SETTINGS."""
    import pytest

    from qaf.rules.problems import QafError

    file = tmp_path / "qaf.env"
    file.write_text("QAF_SMTP_HOST=smtp.example-council.gov.uk\nexport QAF_OUTBOX_RETENTION_DAYS=1000\nOTHER_PROGRAM=1\n")
    with pytest.raises(QafError) as exc:
        read_settings({"QAF_SETTINGS": str(file)})
    assert str(exc.value) == (f"QAF_SETTINGS: {file}:2: QAF_OUTBOX_RETENTION_DAYS is read from the environment only, not from "
                              "this file (it gives email's settings): set it in the environment of qaf serve and qaf tick")  # fmt: skip
    shared = {"QAF_SETTINGS": str(file), "QAF_OUTBOX_RETENTION_DAYS": "1000"}  # one file, the environment's too
    assert read_settings(shared).host == "smtp.example-council.gov.uk"
    with pytest.raises(QafError, match=":2: QAF_OUTBOX_RETENTION_DAYS is read from the environment only"):
        read_settings({**shared, "QAF_OUTBOX_RETENTION_DAYS": "400"})


def test_the_database_written_in_the_settings_file_is_refused_unless_the_environment_holds_the_same(tmp_path):
    """'QAF_DB=postgresql://...' written in the QAF_SETTINGS file beside email's settings was ignored without a word:
    the tick opened the SQLite file qaf.db in its folder (or the environment's QAF_DB), and the council's work was
    scheduled, escalated and emailed from the wrong database. The database's settings are read from the environment
    (or --db) only, and one written in the file is refused at its line, as qaf's numbers are, unless the
    environment holds the same (one file that is the service's environment file too)."""
    from qaf.rules.problems import QafError

    file = tmp_path / "qaf.env"
    url = "postgresql://qaf@db.example-council.gov.uk/qaf"
    for key, value, hint in (("QAF_DB", url, ", or give --db"), ("QAF_DB_SESSION_URL", url, ""), ("QAF_DB_POOLER", "transaction", "")):
        file.write_text(f"QAF_SMTP_HOST=smtp.example-council.gov.uk\n{key}='{value}'\n")
        for env in ({}, {key: "sqlite:///elsewhere.db"}):
            with pytest.raises(QafError) as exc:
                read_settings({"QAF_SETTINGS": str(file), **env})
            assert str(exc.value) == (f"QAF_SETTINGS: {file}:2: {key} is read from the environment only, not from this file (it "
                                      f"gives email's settings): set it in the environment of qaf serve and qaf tick{hint}")  # fmt: skip
        assert read_settings({"QAF_SETTINGS": str(file), key: f" {value}"}).host == "smtp.example-council.gov.uk"


def test_a_mail_setting_out_of_its_range_is_refused_by_name_before_any_message_is_tried():
    """A misspelt setting failed every email later, one by one; QAF_SMTP_PORT=abc was a traceback."""
    import pytest

    from qaf.rules.problems import QafError

    for key, value, said in (("QAF_SMTP_PORT", "99999", "a whole number from 1 to 65535"), ("QAF_SMTP_PORT", "abc", "a whole number"),
                             ("QAF_SMTP_STARTTLS", "perhaps", "1 or 0"), ("QAF_MAIL_FROM", "qa team", "an email address")):  # fmt: skip
        with pytest.raises(QafError, match=f"{key}=.*{said}"):
            read_settings({"QAF_SMTP_HOST": "smtp.example-council.gov.uk", key: value})
    assert read_settings({"QAF_SMTP_STARTTLS": "on"}).starttls and not read_settings({"QAF_SMTP_STARTTLS": "no"}).starttls


def test_a_base_url_that_is_not_an_address_is_refused_for_email_links_as_qaf_serve_refuses_it(tmp_path):
    """QAF_BASE_URL=qaf.example-council.gov.uk (no scheme), with a space, or 'javascript:...' was refused by the
    web app at start but taken for email: every email's "Open it:" link broken, and a settings file's value never
    checked at all. Now refused by name before any message is tried; a trailing slash or space is dropped."""
    import re

    import pytest

    from qaf.rules.problems import QafError

    file = tmp_path / "qaf.env"
    for value in ("qaf.example-council.gov.uk", "https://qaf.example council.gov.uk", "javascript:alert(1)"):
        file.write_text(f"QAF_SMTP_HOST=smtp.example-council.gov.uk\nQAF_BASE_URL={value}\n")
        for env in ({"QAF_BASE_URL": value}, {"QAF_SETTINGS": str(file)}):
            with pytest.raises(QafError, match=re.escape(f"QAF_BASE_URL='{value}': not a usable base URL")):
                read_settings(env)
    assert read_settings({"QAF_BASE_URL": "https://qaf.example-council.gov.uk/ \n"}).base_url == "https://qaf.example-council.gov.uk"


def test_a_misspelt_key_in_a_settings_file_is_refused_at_its_line_other_programs_keys_left_alone(tmp_path):
    """'QAF_SMTP_HOTS=smtp...' or 'qaf_smtp_host=...' in the QAF_SETTINGS file was skipped without a word: no host,
    so every notice stayed pending. Refused at its line with the key meant; a key of another program, or one of
    qaf's read from the environment in a file shared with the service's environment (the environment holding the
    same), is left alone."""
    import pytest

    from qaf.rules.problems import QafError

    file = tmp_path / "qaf.env"
    for key, meant in (("QAF_SMTP_HOTS", "QAF_SMTP_HOST"), ("qaf_smtp_host", "QAF_SMTP_HOST"), ("QAF_MAIL_FORM", "QAF_MAIL_FROM")):
        file.write_text(f"QAF_SMTP_PORT=587\n{key}=x\n")
        with pytest.raises(QafError, match=f"qaf.env:2: {key} is not a setting: did you mean {meant}\\?"):
            read_settings({"QAF_SETTINGS": str(file)})
    file.write_text("QAF_SMTP_HOST=smtp.example-council.gov.uk\nQAF_DB=postgresql://qaf@db/qaf\nQAF_OIDC_CLIENT_SECRET=x\nPATH=/bin\n")
    shared = {"QAF_SETTINGS": str(file), "QAF_DB": "postgresql://qaf@db/qaf"}  # the service's environment file: its QAF_DB is the environment's
    assert read_settings(shared).host == "smtp.example-council.gov.uk"


def test_a_settings_file_written_as_a_shell_would_source_it_is_read_not_dropped(tmp_path):
    """'export QAF_SMTP_HOST=...' (a file a shell sources as well) was no setting to qaf and was dropped without a
    word, so no email was ever sent; 'QAF_SMTP_PORT="587"' (quoted, as systemd and .env files allow) was refused as
    no number. Each is read as the shell would read it."""
    file = tmp_path / "qaf.env"
    file.write_text("export QAF_SMTP_HOST=smtp.example-council.gov.uk\nexport QAF_SMTP_PORT=\"587\"\n"
                    "QAF_MAIL_FROM='qa@example-council.gov.uk'\nQAF_SMTP_USER=\"qa\n")
    s = read_settings({"QAF_SETTINGS": str(file)})
    assert (s.host, s.port, s.sender, s.user) == ("smtp.example-council.gov.uk", 587, "qa@example-council.gov.uk", '"qa')


def test_a_mail_host_that_is_no_host_name_is_refused_by_name_before_any_message_is_tried():
    """QAF_SMTP_HOST=smtp.example-council.gov.uk:587 (the port written into it), smtp://... (a URL) or a name with a
    space was taken: every email then failed to connect, and was tried again daily for a month before anyone
    heard. A host is a name or an address; anything else stops the command by the setting's name."""
    import pytest

    from qaf.rules.problems import QafError

    for host, said in (("smtp.example-council.gov.uk:587", "give the port as QAF_SMTP_PORT"), ("smtp://smtp.example-council.gov.uk", "a host's name"),
                       ("smtp example-council.gov.uk", "a host's name"), ("smtp.example\x07", "a host's name")):  # fmt: skip
        with pytest.raises(QafError) as exc:
            read_settings({"QAF_SMTP_HOST": host})
        assert str(exc.value).startswith(f"QAF_SMTP_HOST={host!r}: ") and said in str(exc.value), str(exc.value)
    for host in ("smtp.example-council.gov.uk", "localhost", "127.0.0.1", "::1", "mail-relay.internal",
                 "smtp.example-council.gov.uk."):  # a name written whole, to its root's dot, as DNS writes it
        assert read_settings({"QAF_SMTP_HOST": host}).host == host
