"""zeep and Python's xmlrpc.client calling, through the gateway, an
EWS-shaped service with soap:header parts, behind an upstream that reads
them and answers with an output header; the ASMX-style AuthHeader is set by
the gateway's configuration. Usage: zeep_headers.py GATEWAY_URL."""
import sys
import xmlrpc.client

import requests
import zeep
from zeep.transports import Transport

URL = sys.argv[1]
http = requests.Session()
http.auth = ("bob", "builder")
client = zeep.Client(URL + "/soap/exchange?wsdl", transport=Transport(session=http))
r = client.service.GetFolder(
    FolderId="inbox",
    # zeep names declared headers by part
    _soapheaders={"Impersonation": {"PrimarySmtpAddress": "alice@example.org"},
                  "RequestVersion": {"Version": "Exchange2013"}})
body = r.body if hasattr(r, "body") else r["body"]
header = r.header if hasattr(r, "header") else r["header"]
assert body.DisplayName == "Inbox of alice@example.org" and body.SeenBy == "Exchange2013", r
assert header.ServerVersion.MajorVersion == 15 and header.ServerVersion.Build == "15.1.2", r  # by part name, too
# The API key comes from the gateway's configuration, the caller from the login.
assert client.service.Ping() == "k-123/bob", client.service.Ping()

x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")
r = x.exchange.GetFolder({"FolderId": "inbox", "_headers": {
    "ExchangeImpersonation": {"PrimarySmtpAddress": "carol@example.org"},
    "RequestServerVersion": {"Version": "Exchange2016"}}})
assert r["DisplayName"] == "Inbox of carol@example.org" and r["SeenBy"] == "Exchange2016", r
assert r["_headers"] == {"ServerVersionInfo": {"MajorVersion": 15, "Build": "15.1.2"}}, r
try:
    x.exchange.GetFolder({"FolderId": "inbox", "_headers": {"NoSuchHeader": "x"}})
    raise AssertionError("an undeclared header was accepted")
except xmlrpc.client.Fault as f:
    assert f.faultCode == -32602 and "NoSuchHeader" in f.faultString, f
print("soap:header parts: all checks passed")
