"""An OpenID Connect provider for the end-to-end tests, run as its own process on loopback.

It speaks the code flow as a real provider does on the wire: discovery, /authorize (PKCE S256 required),
/token (client_secret_basic, the code used once, the verifier checked), a JWKS of RS256 keys signed and
published with joserfc, and an end-session endpoint. Who signs in, and what is wrong with the next ID token
(expired, another audience, another nonce, a key not in the JWKS), is set through /control, so each test can
make the provider misbehave the way a forged or broken token would."""
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import RSAKey


class Provider:
    def __init__(self, issuer, client_id, client_secret):
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.Lock()
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig", "alg": "RS256"})]
        self.user = {"sub": "u-1", "email": "admin@northfield.example", "email_verified": True, "name": "Ada Admin", "groups": []}
        self.tamper = None
        self.codes = {}
        self.log = []

    def rotate(self):
        with self.lock:
            kid = f"key-{len(self.keys) + 1}"
            # The old key leaves the set: tokens signed with it no longer verify, as after a real rotation.
            self.keys = [RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})]
            return kid

    def jwks(self):
        return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def id_token(self, nonce):
        now = int(time.time())
        claims = dict(self.user, iss=self.issuer, aud=self.client_id, iat=now, exp=now + 300, nonce=nonce, azp=self.client_id)
        key = self.keys[-1]
        tamper = self.tamper
        if tamper == "expired":
            claims.update(iat=now - 1200, exp=now - 600)
        elif tamper == "wrong_aud":
            claims.update(aud="someone-else", azp="someone-else")
        elif tamper == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif tamper == "wrong_iss":
            claims["iss"] = "http://127.0.0.1:1/evil"
        elif tamper == "forged":
            # Signed by a key the provider never published, under the published key's id.
            key = RSAKey.generate_key(2048, parameters={"kid": self.keys[-1].kid, "alg": "RS256"})
        header = {"alg": "RS256", "kid": key.kid}
        return jwt.encode(header, claims, key)


def make_handler(provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body=b"", content_type="application/json", headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def json(self, status, obj):
            self.send(status, json.dumps(obj).encode())

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            provider.log.append({"method": "GET", "path": url.path, "query": query})
            if url.path == "/.well-known/openid-configuration":
                base = provider.issuer
                return self.json(200, {
                    "issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
                    "jwks_uri": base + "/jwks", "end_session_endpoint": base + "/logout",
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                })
            if url.path == "/jwks":
                return self.json(200, provider.jwks())
            if url.path == "/authorize":
                if query.get("client_id") != provider.client_id or query.get("response_type") != "code":
                    return self.json(400, {"error": "invalid_request"})
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    return self.json(400, {"error": "invalid_request", "error_description": "PKCE S256 is required"})
                code = secrets.token_urlsafe(24)
                provider.codes[code] = {"challenge": query["code_challenge"], "nonce": query.get("nonce", ""), "redirect_uri": query["redirect_uri"]}
                target = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
                return self.send(302, headers={"Location": target})
            if url.path == "/logout":
                return self.send(302, headers={"Location": query.get("post_logout_redirect_uri", provider.issuer)})
            return self.json(404, {"error": "not_found"})

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            length = min(int(self.headers.get("Content-Length") or 0), 65536)
            raw = self.rfile.read(length)
            if url.path.startswith("/control/"):
                body = json.loads(raw or b"{}")
                provider.log.append({"method": "POST", "path": url.path, "body": body})
                if url.path == "/control/user":
                    provider.user = body
                elif url.path == "/control/tamper":
                    provider.tamper = body.get("mode")
                elif url.path == "/control/rotate":
                    return self.json(200, {"kid": provider.rotate()})
                elif url.path == "/control/log":
                    return self.json(200, provider.log)
                return self.json(200, {"ok": True})
            form = dict(urllib.parse.parse_qsl(raw.decode()))
            provider.log.append({"method": "POST", "path": url.path, "form": {k: v for k, v in form.items() if k != "code_verifier"},
                                 "authorization": bool(self.headers.get("Authorization"))})
            if url.path != "/token":
                return self.json(404, {"error": "not_found"})
            expected = "Basic " + base64.b64encode(f"{provider.client_id}:{provider.client_secret}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self.json(401, {"error": "invalid_client"})
            grant = provider.codes.pop(form.get("code", ""), None)
            if grant is None or form.get("grant_type") != "authorization_code" or form.get("redirect_uri") != grant["redirect_uri"]:
                return self.json(400, {"error": "invalid_grant"})
            challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return self.json(400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"})
            return self.json(200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                                   "id_token": provider.id_token(grant["nonce"])})

    return Handler


def main():
    port, client_id, client_secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    provider = Provider(f"http://127.0.0.1:{port}", client_id, client_secret)
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(provider))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
