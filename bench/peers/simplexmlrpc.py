"""Peer for the benchmarks: Python's threaded SimpleXMLRPCServer serving the
same inventory.GetItem answer as the gateway. Usage: simplexmlrpc.py PORT."""
import sys
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class Quiet(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/xmlrpc", "/RPC2")

    def log_message(self, *args):
        pass


class Server(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True


def get_item(sku):
    return {"item": {"sku": sku, "name": "Widget", "stock": 40, "price": 2.5}}


server = Server(("127.0.0.1", int(sys.argv[1])), requestHandler=Quiet, logRequests=False)
server.register_function(get_item, "inventory.GetItem")
server.register_multicall_functions()
print("ready", flush=True)
server.serve_forever()
