"""An upstream XML-RPC server (Python's SimpleXMLRPCServer), for the
gateway's bridging tests. Usage: xmlrpc_server.py PORT. It prints "ready"
once it listens."""
import sys
import threading
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer
import xmlrpc.client

seen = threading.local()


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2", "/")

    def do_POST(self):
        seen.user = self.headers.get("X-Gateway-User", "")
        seen.groups = self.headers.get("X-Gateway-Groups", "")
        super().do_POST()

    def log_message(self, *args):
        pass


def add(a, b):
    return a + b


def convert(amount, rate):
    return {"result": amount * rate, "note": "converted", "extra": "ignored by the gateway"}


def who_calls():
    return "%s [%s]" % (seen.user, seen.groups)


def refuse(what):
    raise xmlrpc.client.Fault(4711, "refused: %s" % what)


server = SimpleXMLRPCServer(("127.0.0.1", int(sys.argv[1])), requestHandler=Handler, allow_none=True, logRequests=False)
server.register_function(add, "math.add")
server.register_function(convert, "convert")
server.register_function(who_calls, "whoCalls")
server.register_function(refuse, "refuse")
print("ready", flush=True)
server.serve_forever()
