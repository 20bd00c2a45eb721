"""An upstream SOAP 1.1 service run by spyne (python3-spyne), for the
gateway's bridging tests. Usage: spyne_server.py PORT. It prints "ready"
once it listens."""
import logging
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from spyne import Application, Fault, Integer, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication


class Shop(ServiceBase):
    @rpc(Unicode, _returns=Unicode)
    def hello(ctx, name):
        return "Hello, %s" % name

    @rpc(Integer, Integer, _returns=Integer)
    def add(ctx, a, b):
        return a + b

    @rpc(_returns=Unicode)
    def whoCalls(ctx):
        env = ctx.transport.req_env
        return "%s [%s]" % (env.get("HTTP_X_GATEWAY_USER", ""), env.get("HTTP_X_GATEWAY_GROUPS", ""))

    @rpc(Unicode, _returns=Unicode)
    def refuse(ctx, what):
        raise Fault(faultcode="Client.Refused", faultstring="refused: %s" % what)


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


logging.disable(logging.CRITICAL)  # spyne logs every Fault with a traceback
app = Application([Shop], tns="urn:test:shop", in_protocol=Soap11(validator="lxml"), out_protocol=Soap11())
server = make_server("127.0.0.1", int(sys.argv[1]), WsgiApplication(app), handler_class=Quiet)
print("ready", flush=True)
server.serve_forever()
