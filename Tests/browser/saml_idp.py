"""A SAML 2.0 identity provider for the end-to-end tests (pysaml2), run as its own process on loopback.

It plays the campus IdP behind Apache's mod_auth_mellon: it reads the service provider's metadata, answers an
AuthnRequest sent with the HTTP-Redirect binding by signing a Response and its assertion with xmlsec1, and
hands it back through the HTTP-POST binding (a form the browser submits to mellon). Who signs in, with which
attributes (uid, mail, displayName, isMemberOf), is set through /control, as a person at the IdP's login page would.

usage: saml_idp.py PORT WORKDIR SP_METADATA   (prints "ready" once it listens; writes WORKDIR/idp-metadata.xml)"""
import json
import pathlib
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server

PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def make_key_pair(workdir):
    key, cert = workdir / "idp.key", workdir / "idp.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-idp",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return key, cert


class IdentityProvider:
    def __init__(self, port, workdir, sp_metadata):
        self.base = f"http://127.0.0.1:{port}"
        key, cert = make_key_pair(workdir)
        config = IdPConfig()
        config.load({
            "entityid": self.base + "/metadata",
            "service": {"idp": {
                "name": "Northfield test IdP",
                "endpoints": {"single_sign_on_service": [(self.base + "/sso/redirect", BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None, "name_form": NAME_FORMAT_URI}},
                "want_authn_requests_signed": False,
            }},
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"local": [str(sp_metadata)]},
            "xmlsec_binary": "/usr/bin/xmlsec1",
        })
        self.server = Server(config=config)
        (workdir / "idp-metadata.xml").write_text(create_metadata_string(None, config=config, valid=2).decode())
        self.lock = threading.Lock()
        self.person = {"uid": "rev-1", "mail": "reviewer@northfield.example", "displayName": "Rita Reviewer", "isMemberOf": []}
        self.log = []

    def answer(self, query):
        """The auto-submitting form that carries the signed Response to the service provider."""
        request = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        with self.lock:
            person = dict(self.person)
        identity = {name: (value if isinstance(value, list) else [value]) for name, value in person.items() if value}
        response = self.server.create_authn_response(
            identity, userid=person["uid"], authn={"class_ref": PASSWORD_CLASS, "authn_auth": self.base},
            sign_response=True, sign_assertion=True, **args)
        binding = self.server.apply_binding(BINDING_HTTP_POST, str(response), args["destination"], query.get("RelayState", ""),
                                            response=True)
        return binding["data"]


def handler(idp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="text/html; charset=utf-8"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/metadata":
                return self.send(200, (pathlib.Path(sys.argv[2]) / "idp-metadata.xml").read_bytes(), "application/samlmetadata+xml")
            if url.path == "/sso/redirect" and "SAMLRequest" in query:
                with idp.lock:
                    idp.log.append({"path": url.path, "relay_state": query.get("RelayState")})
                try:
                    return self.send(200, idp.answer(query))
                except Exception as error:  # an unreadable request: say so, as a real IdP's error page would
                    return self.send(400, f"<p>Cannot process the sign-in request: {type(error).__name__}</p>")
            self.send(404, "not found", "text/plain")

        def do_POST(self):
            length = min(int(self.headers.get("Content-Length") or 0), 65536)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/control/person":
                with idp.lock:
                    idp.person = body
                return self.send(200, "{}", "application/json")
            if self.path == "/control/log":
                with idp.lock:
                    return self.send(200, json.dumps(idp.log), "application/json")
            self.send(404, "not found", "text/plain")

    return Handler


def main():
    port, workdir, sp_metadata = int(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    idp = IdentityProvider(port, workdir, sp_metadata)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(idp))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
