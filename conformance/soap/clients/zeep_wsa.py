"""zeep against a running gateway with WS-Addressing, SOAP 1.1 and 1.2:
zeep addresses its requests by itself because the published WSDL declares
the actions (wsam:Action), and again with its WsAddressingPlugin (which
then adds a second set of headers: the gateway takes the last). The
answer carries wsa:Action (the output action the published
WSDL declares), wsa:RelatesTo (the request's MessageID), a new MessageID;
a fault carries the fault action; a non-anonymous ReplyTo is refused.
Usage: zeep_wsa.py URL. Exits non-zero on a failed check."""
import sys

import requests
import zeep
from lxml import etree
from zeep.exceptions import Fault
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport
from zeep.wsa import WsAddressingPlugin

URL = sys.argv[1]
WSA = "http://www.w3.org/2005/08/addressing"
WSAM = "http://www.w3.org/2007/05/addressing/metadata"
INV = "urn:gateway:examples:inventory"

session = requests.Session()
session.auth = ("bob", "builder")
history = HistoryPlugin()

# The published WSDL declares addressing and the actions.
wsdl = etree.fromstring(requests.get(URL + "/soap/inventory?wsdl").content)
assert wsdl.findall(".//{http://www.w3.org/2006/05/addressing/wsdl}UsingAddressing"), "no wsaw:UsingAddressing"
out_action = None
for op in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/}operation"):
    if op.get("name") == "GetItem":
        o = op.find("{http://schemas.xmlsoap.org/wsdl/}output")
        if o is not None and o.get("{%s}Action" % WSAM):
            out_action = o.get("{%s}Action" % WSAM)
assert out_action, "no wsam:Action on GetItem's output"


def header(envelope, name):
    el = envelope.findall(".//{%s}%s" % (WSA, name))
    return None if not el else el[-1].text


for plugins in ([history], [WsAddressingPlugin(), history]):
    client = zeep.Client(URL + "/soap/inventory?wsdl", transport=Transport(session=session), plugins=plugins)
    for binding, port in (("InventoryBinding", "InventoryPort"), ("InventoryBinding12", "InventoryPort12")):
        svc = client.bind("InventoryService", port)
        item = svc.GetItem(sku="A-1")
        assert item.name == "Widget", item
        sent, got = history.last_sent["envelope"], history.last_received["envelope"]
        assert sent.findall(".//{%s}MessageID" % WSA), "zeep sent no MessageID"
        assert header(got, "RelatesTo") == header(sent, "MessageID"), (header(got, "RelatesTo"), header(sent, "MessageID"))
        assert header(got, "Action") == out_action, header(got, "Action")
        mid = header(got, "MessageID")
        assert mid and mid.startswith("urn:uuid:") and mid != header(sent, "MessageID"), mid
        print("ok", binding, len(plugins), "answer addressed", flush=True)
        try:
            svc.GetItem(sku="Z-9")
            raise AssertionError("no fault")
        except Fault:
            got = history.last_received["envelope"]
            assert header(got, "Action") == WSA + "/fault", header(got, "Action")
            assert header(got, "RelatesTo") == header(history.last_sent["envelope"], "MessageID")
            print("ok", binding, "fault addressed", flush=True)

# A ReplyTo elsewhere is refused: the gateway posts to no third address.
body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="%s"><s:Header>'
        '<wsa:Action>%s:InventoryPortType:GetItemRequest</wsa:Action><wsa:MessageID>urn:uuid:1</wsa:MessageID>'
        '<wsa:ReplyTo><wsa:Address>http://attacker.example/collect</wsa:Address></wsa:ReplyTo></s:Header>'
        '<s:Body><m:GetItem xmlns:m="%s"><m:sku>A-1</m:sku></m:GetItem></s:Body></s:Envelope>') % (WSA, INV, INV)
r = session.post(URL + "/soap/inventory", data=body, headers={"Content-Type": "text/xml"})
assert r.status_code == 500 and b"only the anonymous address" in r.content and b"urn:uuid:1" in r.content, r.text
print("ok non-anonymous ReplyTo refused", flush=True)
print("zeep WS-Addressing: all checks passed")
