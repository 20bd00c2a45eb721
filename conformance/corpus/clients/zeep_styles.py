"""zeep and Python's xmlrpc.client calling, through the gateway, services
whose WSDLs are rpc/literal (CXF-like) and document/literal bare
(SAP-like), each behind an upstream that answers in the same style.
Usage: zeep_styles.py GATEWAY_URL."""
import decimal
import sys
import xmlrpc.client

import requests
from lxml import etree
import zeep
from zeep.transports import Transport

URL = sys.argv[1]


def raw_body(client, op, *args):
    """The (tag, text) of each child of the response Body."""
    with client.settings(raw_response=True):
        raw = getattr(client.service, op)(*args)
    assert raw.status_code == 200, raw.text
    body = etree.fromstring(raw.content).find("{*}Body")
    return [(child.tag, child.text) for child in body]


http = requests.Session()
http.auth = ("bob", "builder")
transport = Transport(session=http)

for port in ("OrderBookPort", "OrderBookPort12"):
    orders = zeep.Client(URL + "/soap/orders?wsdl", transport=transport, service_name="OrderBookService", port_name=port).service
    r = orders.placeOrder(customer="ACME", order={"id": "O-1", "quantity": 3, "note": "rush", "tag": ["a", "b"]})
    assert r.receipt.id == "O-1" and r.receipt.quantity == 3 and r.receipt.note == "for ACME", r
    assert list(r.receipt.tag) == ["a", "b"], r
    assert r.total == 30, r
    assert orders.ping() is True
    rec = orders.lookup("O-9")  # a document part typed by type=: zeep takes it positionally
    assert rec.orderId == "O-9" and rec.accepted is True, rec

for port in ("MaterialPort", "MaterialPort12"):
    client = zeep.Client(URL + "/soap/material?wsdl", transport=transport, service_name="MaterialService", port_name=port)
    material = client.service
    s = material.GetStock(material="M-100", plant="1000")  # several parts: zeep names them by part
    assert s.MaterialID == "M-100" and s.Plant == "1000" and s.Available == 4, s
    # zeep cannot unwrap a bare output whose one part is simple-typed (it
    # takes len() of the value), so those answers are read raw.
    assert raw_body(client, "GetTime") == [("{urn:corpus:sap:material}ServerTime", "2026-11-30T10:00:00Z")]
    assert raw_body(client, "CountPlants", "M-7") == [("count", "7")]

# ISO-8859-1, the 2000/10 schema namespace, soapenc:string: text round trips.
kunden = zeep.Client(URL + "/soap/kunden?wsdl", transport=transport).service
assert kunden.Gruss(anrede="Frau", name="Müller-Lüdenscheidt") == "Guten Tag, Frau Müller-Lüdenscheidt!"
# UTF-16 ASMX: SOAP 1.1 and 1.2 ports, the HttpGet one not published.
for port in ("RatesSoap", "RatesSoap12"):
    rates = zeep.Client(URL + "/soap/rates?wsdl", transport=transport, service_name="Rates", port_name=port).service
    assert rates.Convert(amount=21.5, currency="EUR") == 43.0
assert "RatesHttpGet" not in [p for s in zeep.Client(URL + "/soap/rates?wsdl", transport=transport).wsdl.services.values() for p in s.ports]
# windows-1252, no wsdl:service of its own: the gateway's.
tickets = zeep.Client(URL + "/soap/tickets?wsdl", transport=transport).service
r = tickets.Open(title="printer", price=decimal.Decimal("12345678901234567890.123456789"))
assert r.ticket == "T-printer" and r.replyTo._value_1 == "urn:reply", r  # simpleContent with attributes: zeep puts the text in _value_1

x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")
r = x.orders.placeOrder({"customer": "ACME", "order": {"id": "O-2", "quantity": 5}})
assert r["receipt"]["id"] == "O-2" and r["total"] == 50, r
assert x.orders.ping()["alive"] is True
assert x.material.GetStock("M-100", "20")["Available"] == 2
assert x.material.CountPlants("M-77")["count"] == 77
assert x.material.GetTime()["ServerTime"] == xmlrpc.client.DateTime("20261130T10:00:00"), x.material.GetTime()
assert x.kunden.Gruss("Herr", "Grüß")["text"] == "Guten Tag, Herr Grüß!"
assert x.rates.Convert(2.25)["ConvertResult"] == 4.5
# A decimal with more digits than a double holds, sent as a string, reaches the upstream whole.
assert x.tickets.Open({"title": "exact", "price": "0.1000000000000000055511151231257827"})["ticket"] == "T-exact"
print("corpus: all checks passed")
