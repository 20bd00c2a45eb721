"""zeep and Python's xmlrpc.client calling, through the gateway, a
PayPal-shaped service whose amounts are decimals with a currencyID
attribute, behind an upstream answering in kind. Usage: zeep_attrs.py URL."""
import decimal
import sys
import xmlrpc.client

import requests
import zeep
from zeep.transports import Transport

URL = sys.argv[1]
http = requests.Session()
http.auth = ("bob", "builder")
pay = zeep.Client(URL + "/soap/payments?wsdl", transport=Transport(session=http)).service
r = pay.DoPayment(Token="EC-1", Details={
    "OrderTotal": {"_value_1": decimal.Decimal("1234567890123456.78"), "currencyID": "EUR"},
    "version": "2", "priority": 7})
assert r.Ack == "Success" and r.status == "settled", r
assert r.Charged._value_1 == decimal.Decimal("1234567890123456.78") and r.Charged.currencyID == "EUR", r
assert r.Fee._value_1 == decimal.Decimal("0.30") and r.Fee.currencyID == "EUR", r
try:
    pay.DoPayment(Token="EC-1", Details={"OrderTotal": {"_value_1": decimal.Decimal("1"), "currencyID": "XXX"}})
    raise AssertionError("a currency outside the enumeration was accepted")
except zeep.exceptions.Fault as f:
    assert "currencyID" in f.message, f.message

x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")
r = x.payments.DoPayment({"Token": "EC-2", "Details": {"OrderTotal": {"_value": "5.50", "currencyID": "USD"}, "version": "3"}})
assert r["Ack"] == "Success" and r["status"] == "settled", r
assert r["Charged"] == {"_value": 5.5, "currencyID": "USD"}, r
print("attributes and simple content: all checks passed")
