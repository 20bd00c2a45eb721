"""A JSON client (Python requests) beside XML-RPC and SOAP clients of the
same user: its login is seen as attached by an XML-RPC long-poll, its
reservation is listed over SOAP, its OpenAPI document describes what it
called. Usage: cross.py GATEWAY_URL."""
import sys
import threading
import xmlrpc.client

import requests
import zeep
from zeep.transports import Transport

URL = sys.argv[1]
x = xmlrpc.client.ServerProxy(URL + "/xmlrpc")
xtoken = x.session.login("alice", "wonderland")["token"]


class T(xmlrpc.client.Transport):
    def send_headers(self, c, h):
        c.putheader("X-Gateway-Session", xtoken)
        super().send_headers(c, h)


xs = xmlrpc.client.ServerProxy(URL + "/xmlrpc", transport=T())
since = xs.session.events(0, 0)["next"]
seen = {}


def poll():
    seen["events"] = xs.session.events(since, 20)["events"]


t = threading.Thread(target=poll)
t.start()
api = requests.Session()
r = api.post(URL + "/api/session/login", json={"username": "alice", "password": "wonderland"})
assert r.status_code == 200, r.text
token = r.json()["token"]
api.headers["Authorization"] = "Bearer " + token
t.join(25)
kinds = [(e["kind"], e["client"]["protocol"]) for e in seen.get("events", [])]
assert ("attached", "json") in kinds, kinds

r = api.post(URL + "/api/inventory/Reserve", json={"sku": "A-1", "quantity": 2})
assert r.status_code == 200, r.text
rid = r.json()["reservation"]["id"]
soap = requests.Session()
soap.auth = ("alice", "wonderland")
inv = zeep.Client(URL + "/soap/inventory?wsdl", transport=Transport(session=soap)).service
assert rid in [res.id for res in inv.MyReservations()], rid

r = api.post(URL + "/api/inventory/Reserve", json={"sku": "C-3", "quantity": 1})
assert r.status_code == 422 and r.headers["Content-Type"] == "application/problem+json" and r.json()["fault"] == "OutOfStock", r.text
doc = requests.get(URL + "/api/openapi.json").json()
post = doc["paths"]["/api/inventory/Reserve"]["post"]
assert doc["openapi"] == "3.1.0" and post["requestBody"]["content"]["application/json"]["schema"]["required"] == ["sku", "quantity"], post
assert doc["servers"][0]["url"] == URL, doc["servers"]
assert api.post(URL + "/api/session/logout").status_code == 200
assert api.get(URL + "/api/session/whoami").status_code == 401
print("JSON beside XML-RPC and SOAP: all checks passed")
