"""An HTTP/JSON upstream that trusts no header: it reads the caller from
the gateway's identity token (Authorization: Bearer), checked by PyJWT
(python3-jwt) against the gateway's published keys (PyJWKClient on
/.well-known/jwks.json): signature, issuer, audience, expiry. It answers
billing.Invoice with who it found, and 401 to a call whose token fails.
Usage: jwt_upstream.py PORT JWKS_URL ISSUER AUDIENCE"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

PORT, JWKS, ISSUER, AUDIENCE = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
keys = jwt.PyJWKClient(JWKS)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        auth = self.headers.get("Authorization", "")
        try:
            if not auth.startswith("Bearer "):
                raise jwt.InvalidTokenError("no bearer token")
            token = auth[len("Bearer "):]
            key = keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["ES256", "RS256"], audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "iat", "sub", "aud", "iss"]})
        except Exception as e:  # any failure of the token is a 401
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"fault": "Unauthorized", "message": str(e)}).encode())
            return
        req = json.loads(body or b"{}")
        out = {"id": "INV-1", "total": req.get("amount", 0),
               "issuedBy": claims["sub"] + " [" + ",".join(sorted(claims["groups"])) + "] " + key.key_id[:8],
               "issuedAt": "2026-11-30T12:00:00Z"}
        if self.path.endswith("/Ping"):
            out = {"ok": True}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(out).encode())

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
