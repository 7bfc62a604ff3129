"""Single sign-on end to end: the real binary against a real OpenID provider process on loopback
(oidc_provider.py, tokens signed with joserfc), and the trusted-header mode from an address listed and not."""
import pathlib
import re
import subprocess
import sys

import pytest
import requests

from conftest import DEMO_PASSWORD, Server, free_port

HERE = pathlib.Path(__file__).resolve().parent
GENERIC = "did not succeed"


class Provider:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret_file = tmp_path / "oidc-secret"
        self.secret_file.write_text("test-client-secret\n")
        self.process = subprocess.Popen([sys.executable, str(HERE / "oidc_provider.py"), str(self.port), "vendor-review", "test-client-secret"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def control(self, name, body=None):
        response = requests.post(f"{self.url}/control/{name}", json=body or {}, timeout=5)
        response.raise_for_status()
        return response.json()

    def env(self, **extra):
        return dict({"OIDC_ISSUER": self.url, "OIDC_CLIENT_ID": "vendor-review", "OIDC_CLIENT_SECRET_FILE": str(self.secret_file),
                     "OIDC_NAME": "Northfield SSO"}, **extra)

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def provider(tmp_path):
    p = Provider(tmp_path)
    yield p
    p.close()


def start_sso(server, session):
    """Follows the app's redirect to the provider, and the provider's back, stopping before the callback."""
    start = session.get(server.url + "/auth/oidc", allow_redirects=False, timeout=10)
    assert start.status_code == 303, start.text
    authorize = session.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    return authorize.headers["Location"]


def sign_in(server, session):
    callback = start_sso(server, session)
    return session.get(callback, allow_redirects=False, timeout=10), callback


@pytest.fixture
def sso_server(sqlite_url, provider):
    server = Server(sqlite_url, demo=True, env=provider.env())
    yield server
    server.close()


def test_sign_in_through_the_provider_with_pkce_state_and_nonce(sso_server, provider):
    session = requests.Session()
    page = session.get(sso_server.url + "/login", timeout=10)
    assert "Sign in with Northfield SSO" in page.text
    start = session.get(sso_server.url + "/auth/oidc", allow_redirects=False, timeout=10)
    query = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", start.headers["Location"]))
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] and query["state"] and query["nonce"]
    callback = session.get(start.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    done = session.get(callback, allow_redirects=False, timeout=10)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    home = session.get(sso_server.url + "/", timeout=10)
    assert "Sign out" in home.text and "· Admin<" in home.text
    token_calls = [entry for entry in provider.control("log") if entry["path"] == "/token"]
    assert token_calls and token_calls[-1]["authorization"] and token_calls[-1]["form"]["grant_type"] == "authorization_code"
    # Sign-out ends our session and goes through the provider's end-session endpoint.
    csrf = re.search(r'name="_csrf" value="([^"]+)"', home.text).group(1)
    out = session.post(sso_server.url + "/logout", data={"_csrf": csrf}, allow_redirects=False, timeout=10)
    assert out.status_code == 200 and "You are signed out of VendorReview" in out.text
    end_session = re.search(r'id="provider-sign-out" href="([^"]+)"', out.text).group(1).replace("&amp;", "&")
    assert end_session.startswith(provider.url + "/logout?") and "post_logout_redirect_uri=" in end_session
    assert f'content="0; url={end_session.replace("&", "&amp;")}"' in out.text
    assert session.get(sso_server.url + "/", allow_redirects=False, timeout=10).status_code == 303


def test_a_replayed_state_is_refused(sso_server, provider):
    session = requests.Session()
    first, callback = sign_in(sso_server, session)
    assert first.status_code == 303
    again = session.get(callback, allow_redirects=False, timeout=10)
    assert again.status_code == 401 and GENERIC in again.text
    # A callback from another browser, which never started a sign-in, is refused as well.
    stranger = requests.get(callback, allow_redirects=False, timeout=10)
    assert stranger.status_code == 401


@pytest.mark.parametrize("mode", ["forged", "expired", "wrong_aud", "wrong_nonce", "wrong_iss"])
def test_bad_id_tokens_are_refused(sso_server, provider, mode):
    provider.control("tamper", {"mode": mode})
    session = requests.Session()
    response, _ = sign_in(sso_server, session)
    assert response.status_code == 401, response.text
    assert GENERIC in response.text
    assert session.get(sso_server.url + "/", allow_redirects=False, timeout=10).status_code == 303
    provider.control("tamper", {"mode": None})
    ok, _ = sign_in(sso_server, requests.Session())
    assert ok.status_code == 303


def test_a_rotated_key_is_fetched_again_at_most_once_in_thirty_seconds(sso_server, provider):
    def jwks_fetches():
        return len([entry for entry in provider.control("log") if entry["path"] == "/jwks"])
    assert sign_in(sso_server, requests.Session())[0].status_code == 303
    assert jwks_fetches() == 1
    # The app holds only key-1; a token under key-2 makes it fetch the set again.
    provider.control("rotate")
    assert sign_in(sso_server, requests.Session())[0].status_code == 303
    assert jwks_fetches() == 2
    # Another unknown key id within 30 seconds does not make it fetch again: that sign-in is refused.
    provider.control("rotate")
    refused, _ = sign_in(sso_server, requests.Session())
    assert refused.status_code == 401 and GENERIC in refused.text
    assert jwks_fetches() == 2


def test_unknown_people_are_refused_unless_auto_create_and_groups_give_roles(sqlite_url, provider):
    server = Server(sqlite_url, demo=True, env=provider.env(OIDC_AUTO_CREATE="auditor", OIDC_ROLE_CLAIM="groups",
                                                            OIDC_ROLE_MAP="vr-admins=admin;vr-reviewers=reviewer;staff=auditor"))
    try:
        provider.control("user", {"sub": "u-9", "email": "new.person@northfield.example", "email_verified": True, "name": "New Person", "groups": ["staff"]})
        session = requests.Session()
        assert sign_in(server, session)[0].status_code == 303
        assert "auditor" in session.get(server.url + "/", timeout=10).text.lower()
        # The groups claim changes: at the next sign-in the role follows, and the old session has ended.
        provider.control("user", {"sub": "u-9", "email": "new.person@northfield.example", "email_verified": True, "name": "New Person", "groups": ["vr-reviewers"]})
        other = requests.Session()
        assert sign_in(server, other)[0].status_code == 303
        assert "Reviewer" in other.get(server.url + "/", timeout=10).text
        assert session.get(server.url + "/", allow_redirects=False, timeout=10).status_code == 303
        # In no mapped group: refused.
        provider.control("user", {"sub": "u-9", "email": "new.person@northfield.example", "email_verified": True, "groups": ["students"]})
        assert sign_in(server, requests.Session())[0].status_code == 403
        # An unverified e-mail never matches an account.
        provider.control("user", {"sub": "u-1", "email": "admin@northfield.example", "email_verified": False, "groups": ["vr-admins"]})
        assert sign_in(server, requests.Session())[0].status_code == 403
    finally:
        server.close()
    server = Server(sqlite_url, demo=True, env=provider.env())
    try:
        provider.control("user", {"sub": "u-8", "email": "stranger@northfield.example", "email_verified": True})
        assert sign_in(server, requests.Session())[0].status_code == 403
    finally:
        server.close()


def test_local_passwords_off_except_break_glass(sqlite_url, provider):
    server = Server(sqlite_url, demo=True, env=provider.env(LOCAL_PASSWORDS="off", BREAK_GLASS_ADMINS="admin@northfield.example"))
    try:
        def password_sign_in(email):
            session = requests.Session()
            page = session.get(server.url + "/login", timeout=10)
            assert "Break-glass" in page.text
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
            return session.post(server.url + "/login", data={"_csrf": csrf, "email": email, "password": DEMO_PASSWORD}, allow_redirects=False, timeout=10)
        assert password_sign_in("reviewer@northfield.example").status_code == 401
        assert password_sign_in("admin@northfield.example").status_code == 303
    finally:
        server.close()


def test_trusted_headers_are_believed_only_from_the_listed_proxy(sqlite_url):
    headers = {"X-Remote-User": "rev-1@northfield.example", "X-Remote-Email": "reviewer@northfield.example", "X-Remote-Name": "Rita"}
    server = Server(sqlite_url, demo=True, env={"TRUSTED_HEADER_AUTH": "on", "TRUSTED_PROXIES": "127.0.0.1"})
    try:
        session = requests.Session()
        page = session.get(server.url + "/", headers=headers, timeout=10)
        assert page.status_code == 200 and "Reviewer" in page.text
        # The web server stops vouching (or vouches for someone else): the header session ends.
        assert session.get(server.url + "/", allow_redirects=False, timeout=10).status_code == 303
    finally:
        server.close()
    server = Server(sqlite_url, demo=True, env={"TRUSTED_HEADER_AUTH": "on", "TRUSTED_PROXIES": "10.9.8.7"})
    try:
        refused = requests.get(server.url + "/", headers=headers, allow_redirects=False, timeout=10)
        assert refused.status_code == 403
        assert "accepted only from" in refused.text
        assert "sign-in headers refused" in server.output()
        # Nothing was signed in by them: no session cookie was handed out.
        assert "vr_session" not in refused.headers.get("Set-Cookie", "")
    finally:
        server.close()


def guess_links(server, forwarded_for, count):
    return [requests.get(f"{server.url}/respond/vl_guess{i}", headers={"X-Forwarded-For": forwarded_for}, timeout=10).status_code
            for i in range(count)]


def test_vendor_link_throttling_counts_the_forwarded_client_only_behind_a_trusted_proxy(sqlite_url):
    # 20 failed lookups per address in 10 minutes (VendorLinks.failedLookupsPerAddress).
    server = Server(sqlite_url, demo=True, env={"TRUSTED_PROXIES": "127.0.0.1"})
    try:
        assert guess_links(server, "203.0.113.5", 21)[-1] == 429
        # Another client behind the same proxy is its own address, not the proxy's.
        assert guess_links(server, "203.0.113.6", 1) == [404]
        # A client cannot get round its count by writing its own entry at the left of the header.
        assert guess_links(server, "198.51.100.1, 203.0.113.5", 1) == [429]
    finally:
        server.close()
    server = Server(sqlite_url, demo=True)
    try:
        # No proxy listed: the header is not believed, so a new value in it does not reset the count.
        assert guess_links(server, "203.0.113.5", 21)[-1] == 429
        assert guess_links(server, "203.0.113.99", 1) == [429]
    finally:
        server.close()
