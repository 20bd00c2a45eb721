"""zeep and Python's xmlrpc.client calling, through the gateway, a
Salesforce-shaped service whose records are types derived from sObject,
sent with xsi:type both ways. Usage: zeep_sforce.py GATEWAY_URL."""
import sys
import xmlrpc.client

import requests
import zeep
from zeep.transports import Transport

URL = sys.argv[1]
http = requests.Session()
http.auth = ("bob", "builder")
client = zeep.Client(URL + "/soap/sforce?wsdl", transport=Transport(session=http))
Account = client.get_type("{urn:corpus:sforce:sobject}Account")
Contact = client.get_type("{urn:corpus:sforce:sobject}Contact")
res = client.service.create([Account(Name="ACME", AnnualRevenue=5.5), Contact(LastName="Doe", Email="d@example.org")])
assert [r.id for r in res] == ["001-Account-ACME", "003-Contact-Doe"] and all(r.success for r in res), res
records = client.service.query("SELECT Name FROM Account")
assert type(records[0]).__name__ == "Account" and records[0].Name == "Umbrella" and records[0].AnnualRevenue == 1.5, records
assert type(records[1]).__name__ == "Contact" and records[1].LastName == "Roe", records

x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")
r = x.sforce.create({"sObjects": [{"_type": "Account", "Name": "Initech"}, {"_type": "Contact", "LastName": "Lumbergh"}]})
assert [s["id"] for s in r["result"]] == ["001-Account-Initech", "003-Contact-Lumbergh"], r
q = x.sforce.query("x")["records"]
assert q[0]["_type"] == "Account" and q[0]["Name"] == "Umbrella" and q[1]["_type"] == "Contact", q
try:
    x.sforce.create({"sObjects": [{"_type": "Opportunity", "Name": "x"}]})
    raise AssertionError("a type not derived from sObject was accepted")
except xmlrpc.client.Fault as f:
    assert f.faultCode == -32602 and "Opportunity" in f.faultString, f
print("xsi:type polymorphism: all checks passed")
