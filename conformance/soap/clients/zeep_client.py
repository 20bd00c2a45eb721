"""zeep (python3-zeep) against a running gateway, pointed only at the
published WSDLs. Usage: zeep_client.py URL. Exits non-zero on a failed check."""
import sys
import xmlrpc.client

import zeep
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

URL = sys.argv[1]
INV_NS = "urn:gateway:examples:inventory"


def check(name):
    print("ok", name, flush=True)


def fault(fn, code, starts=None, subcode=None, **kw):
    try:
        fn(**kw)
    except Fault as f:
        assert f.code.endswith(code), "want %s, got %s %r" % (code, f.code, f.message)
        if starts:
            assert f.message.startswith(starts), f.message
        if subcode:
            subs = [s.localname for s in (f.subcodes or [])]
            assert subcode in subs, "subcodes %r lack %s" % (subs, subcode)
        for leak in ("goroutine", "uid=", "dc=", "wonderland"):
            assert leak not in f.message, f.message
        return f
    raise AssertionError("no %s fault" % code)


session = zeep.Client(URL + "/soap/session?wsdl")
login = session.service.Login(username="alice", password="wonderland")
token = login.token
assert len(token) == 43 and login.username == "alice" and login.expires is not None
hdr = {"Session": token}
check("Login over SOAP")

for port in ("InventoryPort", "InventoryPort12"):
    inv = zeep.Client(URL + "/soap/inventory?wsdl", service_name="InventoryService", port_name=port).service
    items = inv.ListItems(_soapheaders=hdr)
    assert [(i.sku, i.name, i.stock) for i in items] == [("A-1", "Widget", items[0].stock), ("B-2", "Gadget", items[1].stock), ("C-3", "Gizmo", 0)], items
    assert str(items[1].price) == "19.99"
    item = inv.GetItem(sku="A-1", _soapheaders=hdr)
    r = inv.Reserve(sku="A-1", quantity=2, _soapheaders=hdr)
    assert r.sku == "A-1" and r.quantity == 2 and r.reservedAt.tzinfo is not None
    assert inv.GetItem(sku="A-1", _soapheaders=hdr).stock == item.stock - 2
    assert r.id in [x.id for x in inv.MyReservations(_soapheaders=hdr)]
    assert inv.CancelReservation(id=r.id, _soapheaders=hdr) is True
    assert inv.GetItem(sku="A-1", _soapheaders=hdr).stock == item.stock
    v12 = port.endswith("12")
    client_code, server_code = ("Sender", "Receiver") if v12 else ("Client", "Server")
    f = fault(inv.GetItem, server_code, starts="UnknownItem", sku="Z-9", _soapheaders=hdr)
    assert f.detail is not None and f.detail.find(".//{%s}UnknownItem" % INV_NS) is not None, "fault element in detail"
    fault(inv.Reserve, server_code, starts="OutOfStock", sku="C-3", quantity=1, _soapheaders=hdr)
    fault(inv.Reserve, server_code, starts="InvalidQuantity", sku="A-1", quantity=0, _soapheaders=hdr)
    fault(inv.CancelReservation, server_code, starts="UnknownReservation", id="R-0", _soapheaders=hdr)
    fault(inv.GetItem, client_code, subcode="Unauthenticated" if v12 else None, sku="A-1")
    fault(inv.GetItem, client_code, sku="A-1", _soapheaders={"Session": "forged"})
    carol = session.service.Login(username="carol", password="carol-pass").token
    fault(inv.ListItems, client_code, subcode="Forbidden" if v12 else None, _soapheaders={"Session": carol})
    check("every inventory operation and fault over " + port)

# WS-Security UsernameToken (PasswordText): no login, one session for repeated calls.
wsse = zeep.Client(URL + "/soap/inventory?wsdl", wsse=UsernameToken("bob", "builder", use_digest=False)).service
for _ in range(3):
    assert wsse.GetItem(sku="B-2").name == "Gadget"
bob_clients = session.service.WhoAmI(_soapheaders={"Session": session.service.Login(username="bob", password="builder").token}).clients
assert len([c for c in bob_clients if c.protocol == "soap"]) == 2, bob_clients  # the WSSE session + this login
bad = zeep.Client(URL + "/soap/inventory?wsdl", wsse=UsernameToken("bob", "wrong")).service
fault(bad.GetItem, "Client", sku="B-2")
digest = zeep.Client(URL + "/soap/inventory?wsdl", wsse=UsernameToken("bob", "builder", use_digest=True)).service
f = fault(digest.GetItem, "Client", sku="B-2")
assert "PasswordDigest" in f.message, f.message
check("WS-Security UsernameToken, PasswordDigest refused")

# Cross-protocol: an XML-RPC token works as gw:Session, and both see one perspective.
xr = xmlrpc.client.ServerProxy(URL + "/xmlrpc")
xtoken = xr.session.login("alice", "wonderland")["token"]


class T(xmlrpc.client.Transport):
    def send_headers(self, c, h):
        c.putheader("X-Gateway-Session", xtoken)
        super().send_headers(c, h)


xa = xmlrpc.client.ServerProxy(URL + "/xmlrpc", transport=T())
since = xa.session.events(0, 0)["next"]
inv = zeep.Client(URL + "/soap/inventory?wsdl").service
soap_res = inv.Reserve(sku="B-2", quantity=1, _soapheaders={"Session": xtoken})
assert soap_res.id in [r["id"] for r in xa.inventory.MyReservations()["reservation"]]
xml_res = xa.inventory.Reserve("A-1", 1)["reservation"]
assert xml_res["id"] in [r.id for r in inv.MyReservations(_soapheaders=hdr)]
login2 = session.service.Login(username="alice", password="wonderland")
who = xa.session.whoami()
assert any(c["protocol"] == "soap" for c in who["clients"]) and any(c["protocol"] == "xmlrpc" for c in who["clients"]), who
evs = xa.session.events(since, 5)["events"]
assert any(e["kind"] == "attached" and e["client"]["protocol"] == "soap" for e in evs), evs
sw = session.service.WhoAmI(_soapheaders={"Session": xtoken})
assert sw.username == "alice" and "admins" in sw.groups
ev = session.service.Events(since=0, wait=0, _soapheaders=hdr)
assert ev.next >= 1 and any(e.kind == "attached" for e in ev.events)
assert session.service.Logout(_soapheaders={"Session": login2.token}) is True
fault(session.service.WhoAmI, "Client", _soapheaders={"Session": login2.token})
check("cross-protocol perspective, session service")
print("zeep: all checks passed")
