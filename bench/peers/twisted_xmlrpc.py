"""Peer for the benchmarks: Twisted's XML-RPC server serving the same
inventory.GetItem answer as the gateway. Usage: twisted_xmlrpc.py PORT."""
import sys

from twisted.internet import reactor
from twisted.web import server, xmlrpc


class Inventory(xmlrpc.XMLRPC):
    def xmlrpc_GetItem(self, sku):
        return {"item": {"sku": sku, "name": "Widget", "stock": 40, "price": 2.5}}


root = xmlrpc.XMLRPC()
root.putSubHandler("inventory", Inventory())
reactor.listenTCP(int(sys.argv[1]), server.Site(root), interface="127.0.0.1")
print("ready", flush=True)
reactor.run()
