"""A desktop XML-RPC client (Python's xmlrpc.client) calling a spyne SOAP
upstream through the gateway. Usage: xmlrpc_to_spyne.py GATEWAY_URL."""
import sys
import xmlrpc.client as x

URL = sys.argv[1]
anon = x.ServerProxy(URL + "/xmlrpc")
token = anon.session.login("alice", "wonderland")["token"]


class T(x.Transport):
    def send_headers(self, c, h):
        c.putheader("X-Gateway-Session", token)
        super().send_headers(c, h)


s = x.ServerProxy(URL + "/xmlrpc", transport=T())
assert s.shop.hello("world") == {"helloResult": "Hello, world"}, s.shop.hello("world")
assert s.shop.add(2, 40) == {"addResult": 42}
assert s.shop.add({"a": 1, "b": 2}) == {"addResult": 3}
assert s.shop.whoCalls() == {"whoCallsResult": "alice [staff,admins]"}, "the upstream sees the caller"
try:
    s.shop.refuse("that")
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == -32500 and f.faultString == "refused: that", f
assert "shop.hello" in s.system.listMethods()
print("xmlrpc.client -> spyne: all checks passed")
