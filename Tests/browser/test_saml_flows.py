"""SAML through the web server that already speaks it: Apache with mod_auth_mellon (Debian's packages) in front of
the real binary in trusted-header mode, and a pysaml2 identity provider (saml_idp.py), all on loopback.

The Apache configuration written here is the one README shows: mellon guards every path, the sign-in headers a
client sends are removed, and mellon's attributes are passed on as X-Remote-User, -Email, -Name and -Groups."""
import html
import http.client
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import requests

from conftest import Server, free_port

HERE = pathlib.Path(__file__).resolve().parent
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = pathlib.Path("/usr/lib/apache2/modules")

# The attributes' URI names (eduPerson / inetOrgPerson), as pysaml2 and Shibboleth IdPs send them.
UID = "urn:oid:0.9.2342.19200300.100.1.1"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
IS_MEMBER_OF = "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"

APACHE_CONF = """\
ServerRoot "{work}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{work}/apache.pid"
DefaultRuntimeDir "{work}"
ErrorLog "{work}/apache-error.log"
LogLevel warn auth_mellon:info
User www-data
Group www-data
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule proxy_module {modules}/mod_proxy.so
LoadModule proxy_http_module {modules}/mod_proxy_http.so
LoadModule auth_mellon_module {modules}/mod_auth_mellon.so

# --- from here on, as in README ("SAML through Apache and mod_auth_mellon") ---
<Location />
    MellonEnable auth
    MellonEndpointPath /mellon
    MellonSPEntityId "{entity_id}"
    MellonSPPrivateKeyFile "{work}/sp.key"
    MellonSPCertFile "{work}/sp.cert"
    MellonSPMetadataFile "{work}/sp.xml"
    MellonIdPMetadataFile "{work}/idp-metadata.xml"
    MellonSecureCookie Off
    MellonMergeEnvVars On ";"
    MellonSetEnvNoPrefix VR_UID "{uid}"
    MellonSetEnvNoPrefix VR_MAIL "{mail}"
    MellonSetEnvNoPrefix VR_NAME "{display_name}"
    MellonSetEnvNoPrefix VR_GROUPS "{is_member_of}"
    Require valid-user
    AuthType Mellon
    # Whatever a client sent in these headers is dropped before mellon's values are set.
    RequestHeader unset X-Remote-User early
    RequestHeader unset X-Remote-Email early
    RequestHeader unset X-Remote-Name early
    RequestHeader unset X-Remote-Groups early
    RequestHeader set X-Remote-User "%{{VR_UID}}e" env=VR_UID
    RequestHeader set X-Remote-Email "%{{VR_MAIL}}e" env=VR_MAIL
    RequestHeader set X-Remote-Name "%{{VR_NAME}}e" env=VR_NAME
    RequestHeader set X-Remote-Groups "%{{VR_GROUPS}}e" env=VR_GROUPS
</Location>
ProxyPass /mellon !
ProxyPass / http://127.0.0.1:{app_port}/
ProxyPassReverse / http://127.0.0.1:{app_port}/
"""


class Federation:
    """The app in trusted-header mode behind Apache + mellon, and the IdP, each its own process."""

    def __init__(self, database_url, app_env):
        # Apache's children run as www-data: the work folder must be readable by it (pytest's tmp_path is not).
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="vr-saml-", dir="/tmp"))
        self.work.chmod(0o755)
        self.port, self.idp_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.idp_url = f"http://127.0.0.1:{self.idp_port}"
        self.app = Server(database_url, demo=True, env=dict({"TRUSTED_HEADER_AUTH": "on", "TRUSTED_PROXIES": "127.0.0.1",
                                                              "PUBLIC_URL": self.url}, **app_env))
        self.apache = self.idp = None
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self):
        entity_id = self.url + "/mellon/metadata"
        subprocess.run(["mellon_create_metadata", entity_id, self.url + "/mellon"], cwd=self.work, check=True, capture_output=True)
        stem = re.sub(r"_+", "_", re.sub(r"[^0-9A-Za-z.]", "_", entity_id))
        for suffix in ("key", "cert", "xml"):
            (self.work / f"{stem}.{suffix}").rename(self.work / f"sp.{suffix}")
            (self.work / f"sp.{suffix}").chmod(0o644)  # a throw-away test key, read by www-data
        self.idp_log = open(self.work / "idp.log", "w+")
        self.idp = subprocess.Popen([sys.executable, str(HERE / "saml_idp.py"), str(self.idp_port), str(self.work), str(self.work / "sp.xml")],
                                    stdout=subprocess.PIPE, stderr=self.idp_log, text=True)
        line = self.idp.stdout.readline().strip()
        assert line == "ready", f"the IdP did not start: {line}\n{(self.work / 'idp.log').read_text()}"
        (self.work / "idp-metadata.xml").chmod(0o644)
        conf = self.work / "apache.conf"
        conf.write_text(APACHE_CONF.format(work=self.work, port=self.port, modules=MODULES, entity_id=entity_id, app_port=self.app.port,
                                           uid=UID, mail=MAIL, display_name=DISPLAY_NAME, is_member_of=IS_MEMBER_OF))
        check = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.apache = subprocess.Popen([APACHE, "-X", "-f", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.apache.poll() is None, self.apache_log()
            try:
                # Unauthenticated, mellon answers with a redirect to the IdP: Apache is up.
                if requests.get(self.url + "/healthz", allow_redirects=False, timeout=1).status_code in (302, 303):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("Apache did not answer within 20 s:\n" + self.apache_log())

    def person(self, **attributes):
        requests.post(self.idp_url + "/control/person", json=attributes, timeout=5).raise_for_status()

    def apache_log(self):
        path = self.work / "apache-error.log"
        return path.read_text() if path.exists() else "(no Apache log)"

    def sign_in(self, session, path="/"):
        """Follows the flow a browser follows: app → mellon → IdP → the POSTed assertion → back to the page."""
        location = self.url + path
        for _ in range(4):  # the page → mellon's /mellon/login → the IdP
            hop = session.get(location, allow_redirects=False, timeout=10)
            assert hop.status_code in (302, 303), f"{hop.status_code} at {location}: {hop.text[:300]}"
            location = hop.headers["Location"]
            if location.startswith(self.idp_url):
                break
        assert location.startswith(self.idp_url + "/sso/redirect?SAMLRequest="), location
        form = session.get(location, timeout=10)
        assert form.status_code == 200, form.text
        action = html.unescape(re.search(r'action="([^"]+)"', form.text).group(1))
        fields = {html.unescape(name): html.unescape(value)
                  for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.text)}
        assert action == self.url + "/mellon/postResponse" and "SAMLResponse" in fields, form.text
        back = session.post(action, data=fields, allow_redirects=False, timeout=10)
        assert back.status_code in (302, 303), f"{back.status_code} {back.text}\n{self.apache_log()}"
        return session.get(self.url + path, allow_redirects=False, timeout=10)

    def close(self):
        for process in (self.apache, self.idp):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.app.close()
        if self.idp:
            self.idp_log.close()
        shutil.rmtree(self.work, ignore_errors=True)


@pytest.fixture
def federation(sqlite_url):
    f = Federation(sqlite_url, {"TRUSTED_HEADER_ROLE_MAP": "vr-admins=admin;vr-reviewers=reviewer;staff=auditor",
                                "TRUSTED_HEADER_AUTO_CREATE": "auditor"})
    yield f
    f.close()


def test_a_saml_sign_in_through_apache_and_mellon_reaches_the_app(federation):
    federation.person(uid="rev-1", mail="reviewer@northfield.example", displayName="Rita Reviewer", isMemberOf=["vr-reviewers", "staff"])
    session = requests.Session()
    page = federation.sign_in(session)
    assert page.status_code == 200, page.text
    assert "Sign out" in page.text and "· Reviewer<" in page.text
    # The audit trail names the way in.
    audit = run_as_admin(federation, "/audit")
    assert "reviewer@northfield.example signed in through the web server" in audit


def test_groups_from_the_idp_set_the_role_and_unknown_people_get_the_default(federation):
    federation.person(uid="new-7", mail="new.person@northfield.example", displayName="New Person", isMemberOf=["staff"])
    page = federation.sign_in(requests.Session())
    assert page.status_code == 200 and "· Auditor<" in page.text
    # In no mapped group: refused, whatever the IdP vouched for.
    federation.person(uid="stu-1", mail="student@northfield.example", displayName="A Student", isMemberOf=["students"])
    refused = federation.sign_in(requests.Session())
    assert refused.status_code == 403 and "Not signed in" in refused.text


def test_headers_a_client_sends_through_apache_are_replaced_by_mellons(federation):
    federation.person(uid="rev-1", mail="reviewer@northfield.example", displayName="Rita Reviewer", isMemberOf=["vr-reviewers"])
    session = requests.Session()
    assert federation.sign_in(session).status_code == 200
    forged = {"X-Remote-User": "admin-1", "X-Remote-Email": "admin@northfield.example", "X-Remote-Groups": "vr-admins"}
    page = session.get(federation.url + "/", headers=forged, timeout=10)
    assert page.status_code == 200 and "· Reviewer<" in page.text and "· Admin<" not in page.text
    # Without mellon's session cookie, forged headers get the IdP's redirect, never the app.
    stranger = requests.get(federation.url + "/", headers=forged, allow_redirects=False, timeout=10)
    assert stranger.status_code in (302, 303) and stranger.headers["Location"].startswith(federation.url + "/mellon/login?")


def test_headers_sent_straight_to_the_app_from_an_address_not_listed_are_refused(federation):
    # Any loopback address reaches the app; only 127.0.0.1 (Apache) is in TRUSTED_PROXIES.
    connection = http.client.HTTPConnection("127.0.0.1", federation.app.port, timeout=10, source_address=("127.0.0.7", 0))
    connection.request("GET", "/", headers={"X-Remote-User": "admin-1", "X-Remote-Email": "admin@northfield.example"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 403 and "accepted only from" in body


def run_as_admin(federation, path):
    """An admin's view of a page, signed in through the same IdP."""
    federation.person(uid="adm-1", mail="admin@northfield.example", displayName="Ada Admin", isMemberOf=["vr-admins"])
    session = requests.Session()
    assert federation.sign_in(session, path).status_code == 200
    return session.get(federation.url + path, timeout=10).text
