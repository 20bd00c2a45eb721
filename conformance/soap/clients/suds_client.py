"""suds (python3-suds) against a running gateway's published WSDLs.
Usage: suds_client.py URL. Exits non-zero on a failed check."""
import sys

from suds import WebFault
from suds.client import Client
from suds.sax.element import Element

URL = sys.argv[1]


def with_session(client, token):
    client.set_options(soapheaders=Element("Session", ns=("gws", "urn:gateway:session")).setText(token))
    return client


def fault(fn, *args, starts=None, code=None):
    try:
        fn(*args)
    except WebFault as f:
        msg = f.fault.faultstring
        if starts:
            assert msg.startswith(starts), msg
        if code:
            assert f.fault.faultcode.endswith(code), f.fault.faultcode
        return
    raise AssertionError("no fault from %r" % (args,))


session = Client(URL + "/soap/session?wsdl", cache=None)
token = session.service.Login("bob", "builder").token
inv = with_session(Client(URL + "/soap/inventory?wsdl", cache=None), token).service
assert [i.sku for i in inv.ListItems()] == ["A-1", "B-2", "C-3"]
assert inv.GetItem("B-2").name == "Gadget"
r = inv.Reserve("B-2", 1)
assert r.quantity == 1
assert r.id in [x.id for x in inv.MyReservations()]
assert inv.CancelReservation(r.id) is True
print("ok every operation")
fault(inv.GetItem, "Z-9", starts="UnknownItem", code="Server")
fault(inv.Reserve, "C-3", 5, starts="OutOfStock", code="Server")
fault(inv.Reserve, "A-1", -1, starts="InvalidQuantity", code="Server")
fault(inv.CancelReservation, "R-0", starts="UnknownReservation", code="Server")
anon = Client(URL + "/soap/inventory?wsdl", cache=None).service
fault(anon.GetItem, "A-1", code="Client")
carol = with_session(Client(URL + "/soap/inventory?wsdl", cache=None), session.service.Login("carol", "carol-pass").token).service
fault(carol.ListItems, code="Client")
fault(session.service.Login, "bob", "nope", code="Client")
print("ok faults")
print("suds: all checks passed")
