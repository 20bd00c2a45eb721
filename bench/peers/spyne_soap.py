"""Peer for the benchmarks: spyne serving GetItem over SOAP 1.1 with the same
item. Usage: spyne_soap.py PORT."""
import logging
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from spyne import Application, ComplexModel, Decimal, Integer, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication


class Item(ComplexModel):
    __namespace__ = "urn:gateway:examples:inventory"
    sku = Unicode
    name = Unicode
    stock = Integer
    price = Decimal


class Inventory(ServiceBase):
    @rpc(Unicode, _returns=Item, _out_variable_name="item")
    def GetItem(ctx, sku):
        return Item(sku=sku, name="Widget", stock=40, price=2.5)


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


logging.disable(logging.CRITICAL)
app = Application([Inventory], tns="urn:gateway:examples:inventory", in_protocol=Soap11(), out_protocol=Soap11())
srv = make_server("127.0.0.1", int(sys.argv[1]), WsgiApplication(app), handler_class=Quiet)
print("ready", flush=True)
srv.serve_forever()
