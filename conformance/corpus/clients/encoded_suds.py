"""suds and Python's xmlrpc.client calling, through the gateway, an
rpc/encoded service (Axis 1-shaped WSDL) behind an upstream that answers
as Axis 1 does, with multiRefs. Usage: encoded_suds.py GATEWAY_URL."""
import sys
import xmlrpc.client

from suds.client import Client
from suds.transport.http import HttpAuthenticated

URL = sys.argv[1]
c = Client(URL + "/soap/catalog?wsdl", transport=HttpAuthenticated(username="bob", password="builder"), cache=None)
found = c.service.findProducts("lamp", 2)
assert [p.code for p in found] == ["lamp-1", "lamp-2"], found
assert [p.price for p in found] == [10.5, 21.0], found
assert list(found[1].tags) == ["lamp", "2"], found
m = c.service.getMatrix(3)
assert [[int(x) for x in row] for row in m] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]], m
p = c.factory.create("{http://model.catalog.corpus}Product")
p.code, p.price, p.tags = "Ä-7", 4.25, ["x", "y"]
e = c.service.echoProduct(p)
assert e.code == "Ä-7" and e.price == 8.5 and list(e.tags) == ["x", "y"], e

x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")
r = x.catalog.findProducts("desk", 1)
assert r == {"findProductsReturn": [{"code": "desk-1", "price": 10.5, "tags": ["desk", "1"]}]}, r
assert x.catalog.getMatrix(2)["getMatrixReturn"] == [[1, 0], [0, 1]]
e = x.catalog.echoProduct({"product": {"code": "z", "price": 1.5, "tags": []}})["echoProductReturn"]
assert e == {"code": "z", "price": 3.0, "tags": []}, e
print("rpc/encoded: all checks passed")
