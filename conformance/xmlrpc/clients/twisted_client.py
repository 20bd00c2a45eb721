"""Twisted's twisted.web.xmlrpc.Proxy against a running gateway.
Usage: twisted_client.py URL. Exits non-zero on the first failed check."""
import sys

from twisted.internet import defer, task
from twisted.web import xmlrpc

URL = sys.argv[1].encode() + b"/xmlrpc"


class SessionProtocol(xmlrpc.QueryProtocol):
    """Adds the X-Gateway-Session header Twisted's Proxy has no option for."""

    def endHeaders(self):
        token = getattr(self.factory, "gw_token", None)
        if token:
            self.sendHeader(b"X-Gateway-Session", token.encode())
        super().endHeaders()


def session_proxy(token):
    factory = type("SessionFactory", (xmlrpc.QueryFactory,), {"protocol": SessionProtocol, "gw_token": token})
    p = xmlrpc.Proxy(URL, allowNone=True)
    p.queryFactory = factory
    return p


@defer.inlineCallbacks
def expect_fault(code, d):
    try:
        yield d
    except xmlrpc.Fault as f:
        assert f.faultCode == code, (code, f.faultCode, f.faultString)
        return f
    raise AssertionError("no fault %d" % code)


@defer.inlineCallbacks
def main(reactor):
    anon = xmlrpc.Proxy(URL, allowNone=True)
    login = yield anon.callRemote("session.login", "bob", "builder")
    bob = session_proxy(login["token"])
    items = yield bob.callRemote("inventory.ListItems")
    assert [i["sku"] for i in items["item"]] == ["A-1", "B-2", "C-3"], items
    r = yield bob.callRemote("inventory.Reserve", {"sku": "A-1", "quantity": 1})
    mine = yield bob.callRemote("inventory.MyReservations")
    assert r["reservation"]["id"] in [x["id"] for x in mine["reservation"]]
    yield bob.callRemote("inventory.CancelReservation", r["reservation"]["id"])
    print("ok login, header session, inventory operations")

    f = yield expect_fault(-32500, bob.callRemote("inventory.GetItem", "Z-9"))
    assert f.faultString.startswith("UnknownItem")
    yield expect_fault(-32601, bob.callRemote("inventory.Nope"))
    yield expect_fault(-32602, bob.callRemote("inventory.Reserve", "A-1", "x"))
    yield expect_fault(-32001, anon.callRemote("inventory.ListItems"))
    yield expect_fault(-32001, anon.callRemote("session.login", "bob", "nope"))
    carol = xmlrpc.Proxy(URL, user=b"carol", password=b"carol-pass")
    yield expect_fault(-32003, carol.callRemote("inventory.ListItems"))
    print("ok faults")

    # Per-call HTTP Basic credentials, the way Twisted's Proxy offers them.
    basic = xmlrpc.Proxy(URL, user=b"alice", password=b"wonderland", allowNone=True)
    item = yield basic.callRemote("inventory.GetItem", "B-2")
    assert item["item"]["name"] == "Gadget"
    who = yield basic.callRemote("session.whoami")
    assert who["username"] == "alice" and "admins" in who["groups"]
    methods = yield anon.callRemote("system.listMethods")
    assert "inventory.GetItem" in methods
    print("ok basic credentials and introspection")

    before = yield bob.callRemote("session.events", 0, 0)
    yield bob.callRemote("session.logout")
    yield expect_fault(-32001, bob.callRemote("session.whoami"))
    print("ok logout")
    print("twisted: all checks passed")


task.react(main)
