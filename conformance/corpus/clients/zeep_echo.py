"""zeep and Python's xmlrpc.client against the later corpus entries, each
behind an upstream that echoes the request (see echo_test.go): values come
back exact, and values that break the schema are refused. suds calls the
gSOAP-shaped rpc/encoded service. Usage: zeep_echo.py GATEWAY_URL."""
import datetime
import decimal
import sys
import xmlrpc.client

import requests
import zeep
from lxml import etree
from zeep.transports import Transport

URL = sys.argv[1]
http = requests.Session()
http.auth = ("bob", "builder")


def client(svc, strict=True):
    return zeep.Client(URL + "/soap/" + svc + "?wsdl", transport=Transport(session=http), settings=zeep.Settings(strict=strict))


x = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc")


def refused(call, *words):
    try:
        call()
    except xmlrpc.client.Fault as f:
        assert f.faultCode == -32602 and all(w in f.faultString for w in words), f
        return
    raise AssertionError("accepted: " + " ".join(words))


# OGC: substitution groups. zeep has none: it sends the abstract head with
# xsi:type, which the gateway reads as the member it stands for; zeep
# (non-strict) hands back the members it cannot name as raw elements.
c = client("ogc", strict=False)
Road, Bridge = c.get_element("{urn:corpus:ogc:features}Road"), c.get_element("{urn:corpus:ogc:features}Bridge")
r = c.service.Insert(featureMember=[
    {"AbstractFeature": Road(id="r1", name="A1", posList={"_value_1": [1.5, 2.25, 3.0, 4.0], "srsDimension": 2}, lanes=4)},
    {"AbstractFeature": Bridge(id="b1", name="Rhine", lanes=2, clearance=9.75)}], handle="h1")
raw = [m["_raw_elements"][0] for m in r.featureMember]
F = "{urn:corpus:ogc:features}"
assert [e.tag for e in raw] == [F + "Road", F + "Bridge"], raw
assert raw[0].get("id") == "r1" and raw[0].find(F + "posList").text == "1.5 2.25 3.0 4.0" and raw[1].find(F + "clearance").text == "9.75", etree.tostring(raw[0])
got = x.ogc.Insert({"handle": "h2", "featureMember": [{"Building": {"id": "x1", "name": "Hall", "storeys": 3}}, {"Road": {"id": "r2", "name": "B9", "lanes": 2, "posList": {"_value": "7 8", "srsDimension": 2}}}]})
assert got == {"handle": "h2", "featureMember": [{"Building": {"id": "x1", "name": "Hall", "storeys": 3}}, {"Road": {"id": "r2", "name": "B9", "posList": {"srsDimension": 2, "_value": "7 8"}, "lanes": 2}}]}, got
refused(lambda: x.ogc.Insert({"featureMember": [{"Road": {"id": "r", "name": "n", "lanes": 1}, "Building": {"id": "b", "name": "n"}}]}), "Road", "Building", "choice")
refused(lambda: x.ogc.Insert({"featureMember": [{"Road": {"id": "r", "name": "n", "lanes": 1, "posList": {"_value": "1.5 east"}}}]}), "east")

# HL7 v3: a choice of sequences, a repeated sequence, recursion, a union.
c = client("hl7")
r = c.service.PRPA_IN201305(patient={"name": "Doe", "birthTime": "2026-11-30", "gender": "F"},
                            act={"code": "A", "_value_1": [{"observationCode": "a", "observationValue": 1}, {"observationCode": "b", "observationValue": "2.50"}]})
assert r.patient.name == "Doe" and r.patient.birthTime == "2026-11-30" and r.patient.id is None, r
assert [(o["observationCode"], o["observationValue"]) for o in r.act._value_1] == [("a", 1), ("b", decimal.Decimal("2.50"))], r.act
got = x.hl7.PRPA_IN201305({"patient": {"id": "P-1"}, "act": {"code": "A", "observationCode": ["bp", "hr"], "observationValue": ["120.5", "61"],
                                                             "entryRelationship": [{"typeCode": "COMP", "act": {"code": "B", "entryRelationship": [{"typeCode": "SUBJ", "act": {"code": "C"}}]}}]}})
assert x.hl7.PRPA_IN201305({"patient": {"name": "Roe", "birthTime": "2026-11-30T10:00:00+01:00", "deceasedInd": True}})["patient"]["deceasedInd"] is True
assert got["patient"] == {"id": "P-1"} and got["act"]["observationValue"] == [120.5, 61] and got["act"]["entryRelationship"][0]["act"]["entryRelationship"][0]["act"] == {"code": "C"}, got
refused(lambda: x.hl7.PRPA_IN201305({"patient": {"id": "P-1", "name": "Roe"}}), "name", "id", "choice")
refused(lambda: x.hl7.PRPA_IN201305({"patient": {"id": "P-1", "gender": "X"}}), "gender")

# OTA: attribute groups on simple content and on the wrapper, lists, a union.
c = client("ota")
r = c.service.OTA_HotelAvailRQ(Start="2026-12-01", Version="1.003", EchoToken="e1", TimeStamp="2026-11-30T09:00:00+01:00",
                               RatePlan=[{"Rate": {"_value_1": "99.95", "CurrencyCode": "EUR", "DecimalPlaces": 2}, "Days": ["Mon", "Fri"], "RatePlanCode": "BAR"}])
assert r.Version == decimal.Decimal("1.003") and r.EchoToken == "e1" and r.TimeStamp.utcoffset() == datetime.timedelta(hours=1), r
assert r.RatePlan[0].Rate._value_1 == decimal.Decimal("99.95") and r.RatePlan[0].Rate.CurrencyCode == "EUR" and r.RatePlan[0].Days == ["Mon", "Fri"], r.RatePlan
got = x.ota.OTA_HotelAvailRQ({"Version": "2.0", "Start": "2026-12-01T10:00:00Z", "RatePlan": [{"RatePlanCode": "X", "Rate": {"_value": "10.25", "CurrencyCode": "USD"}, "Days": "Sat Sun", "BlackoutDates": "2026-12-24 2026-12-25"}]})
assert got["Start"] == "2026-12-01T10:00:00Z" and got["RatePlan"][0]["BlackoutDates"] == "2026-12-24 2026-12-25" and got["RatePlan"][0]["Rate"] == {"CurrencyCode": "USD", "_value": 10.25}, got
plan = {"RatePlanCode": "X", "Rate": {"_value": "1"}, "Days": "Sat"}
refused(lambda: x.ota.OTA_HotelAvailRQ({"Version": "2", "Start": "2026-12-01", "RatePlan": [dict(plan, Days="Sat Funday")]}), "Funday")
refused(lambda: x.ota.OTA_HotelAvailRQ({"Version": "2", "Start": "2026-12-01", "RatePlan": [dict(plan, BlackoutDates=" ".join(["2026-01-01"] * 8))]}), "7 items")
refused(lambda: x.ota.OTA_HotelAvailRQ({"Start": "2026-12-01", "RatePlan": [plan]}), "Version")

# Salesforce Metadata: an abstract base; header parts.
c = client("metadata")
Apex, Field = c.get_type("{urn:corpus:sforce:metadata}ApexClass"), c.get_type("{urn:corpus:sforce:metadata}CustomField")
r = c.service.createMetadata([Apex(fullName="Hello", content=b"public class Hello {}", apiVersion=59.0, status="Active"), Field(fullName="Account.X__c", label="X", description=None)],
                             _soapheaders={"SessionHeader": {"sessionId": "00D!x"}, "CallOptions": {"client": "corpus"}})
assert type(r[0]).__name__ == "ApexClass" and r[0].content == b"public class Hello {}" and type(r[1]).__name__ == "CustomField" and r[1].label == "X", r
got = x.metadata.createMetadata({"metadata": [{"_type": "CustomField", "fullName": "A.B__c", "length": 12}]})
assert got == {"metadata": [{"_type": "CustomField", "fullName": "A.B__c", "length": 12}]}, got
refused(lambda: x.metadata.createMetadata({"metadata": [{"fullName": "A.B__c"}]}), "abstract")
refused(lambda: x.metadata.createMetadata({"metadata": [{"_type": "MetadataWithContent", "fullName": "A"}]}), "abstract")

# ISO 20022: a choice, exact decimals, dates with and without zones, hexBinary.
c = client("pain")
r = c.service.Initiate(CstmrCdtTrfInitn={
    "MsgId": "M1", "CreDtTm": "2026-11-30T10:00:00+01:00", "ReqdExctnDt": "2026-12-01", "Dbtr": {"Nm": "ACME", "Id": {"OrgId": {"BICOrBEI": "DEUTDEFF"}}},
    "CdtTrfTxInf": [{"EndToEndId": "E1", "InstdAmt": {"_value_1": decimal.Decimal("1234567890123.12345"), "Ccy": "EUR"},
                     "Cdtr": {"Nm": "Bob", "Id": {"PrvtId": {"BirthDate": "1970-01-01Z", "CityOfBirth": "Bonn"}}}, "CdtrAcct": "DE89370400440532013000"}],
    "Chksum": b"01ab"})
assert r.CreDtTm.utcoffset() == datetime.timedelta(hours=1) and r.ReqdExctnDt == datetime.date(2026, 12, 1) and r.Chksum.lower() in ("01ab", b"01ab"), r
assert r.CdtTrfTxInf[0].InstdAmt._value_1 == decimal.Decimal("1234567890123.12345") and r.Dbtr.Id.OrgId.BICOrBEI == "DEUTDEFF" and r.Dbtr.Id.PrvtId is None, r
refused(lambda: x.pain.Initiate({"CstmrCdtTrfInitn": {"MsgId": "M", "CreDtTm": "2026-11-30T10:00:00", "ReqdExctnDt": "2026-12-01", "CdtTrfTxInf": [],
                                                      "Dbtr": {"Id": {"OrgId": {"BICOrBEI": "DEUTDEFF"}, "PrvtId": {"BirthDate": "1970-01-01", "CityOfBirth": "x"}}}}}), "OrgId", "PrvtId")
refused(lambda: x.pain.Initiate({"CstmrCdtTrfInitn": {"MsgId": "M", "CreDtTm": "2026-11-30T10:00:00", "ReqdExctnDt": "2026-12-01", "Dbtr": {},
                                                      "CdtTrfTxInf": [{"EndToEndId": "E", "InstdAmt": {"_value": "1", "Ccy": "EUR"}, "Cdtr": {}, "CdtrAcct": "not an IBAN"}]}}), "CdtrAcct")

# SharePoint: CAML as raw XML in, rows as raw XML out.
c = client("lists")
query = etree.fromstring('<Query><Where><Eq><FieldRef Name="Title"/><Value Type="Text">Ship it</Value></Eq></Where></Query>')
r = c.service.GetListItems(listName="Tasks", query={"_value_1": query}, rowLimit="10")
rows = r if isinstance(r, etree._Element) else r._value_1[0]  # zeep hands a lone xs:any's element back as it is
row = rows.find(".//{#RowsetSchema}row")
assert row is not None and row.get("ows_Title") == "Ship it", etree.tostring(rows)
got = x.lists.GetListItems({"listName": "Tasks", "query": {"_any": ['<Query><Where><Eq><FieldRef Name="Title"/><Value Type="Text">From XML-RPC</Value></Eq></Where></Query>']}})
assert 'ows_Title="From XML-RPC"' in got["GetListItemsResult"]["_any"][0], got

# NetSuite: schemas across folders, an abstract record, a passport header.
c = client("netsuite")
Customer = c.get_type("{urn:corpus:netsuite:relationships}Customer")
r = c.service.add(record=Customer(entityId="C-1", companyName=None, salesRep={"name": "Ann", "internalId": "7", "type": "employee"},
                                  categoryList={"recordRef": [{"internalId": "1"}, {"internalId": "2"}], "replaceAll": False}, internalId="42"),
                  _soapheaders={"passport": {"email": "a@b.c", "account": "TSTDRV1"}})
assert type(r).__name__ == "Customer" and r.salesRep.type == "employee" and [x_.internalId for x_ in r.categoryList.recordRef] == ["1", "2"] and r.categoryList.replaceAll is False and r.internalId == "42", r
refused(lambda: x.netsuite.add({"record": {"_type": "Customer", "salesRep": {"type": "vendor"}}}), "vendor")

# WS-I SCM: an integer beyond 64 bits, a one-way operation.
c = client("retailer")
r = c.service.SubmitOrder(Item=[{"ProductNumber": 123456789012345678901234, "Quantity": 2, "Price": decimal.Decimal("0.10")}], Customer="A12345-1234567-abc")
assert r.Item[0].ProductNumber == 123456789012345678901234 and r.Item[0].Price == decimal.Decimal("0.10"), r
assert c.service.NotifyShipment(OrderNumber="O-77") is None
got = x.retailer.SubmitOrder({"Item": [{"ProductNumber": "123456789012345678901234", "Quantity": 1, "Price": "0.1"}], "Customer": "B00001-ABCDEFG-xyz"})
assert got["Item"][0]["ProductNumber"] == "123456789012345678901234", got
refused(lambda: x.retailer.SubmitOrder({"Item": [{"ProductNumber": 1, "Quantity": 1, "Price": 1}], "Customer": "nope"}), "Customer")

# WCF wsHttpBinding: serialization types, nil kept.
c = client("wcfws")
r = c.service.Update(item={"Bin": 65, "Id": "0f8fad5b-d9cb-469f-a165-70867728950e", "LeadTime": "P3DT4H", "Name": zeep.xsd.Nil, "State": "Backordered"})
assert r.Bin == 65 and r.LeadTime == datetime.timedelta(days=3, hours=4) and r.Name is None and r.State == "Backordered", r
refused(lambda: x.wcfws.Update({"item": {"Id": "not-a-guid"}}), "Id")

# UPS: a header part of the body's message, included schemas.
c = client("ship")
r = c.service.ProcessShipment(Request={"RequestOption": ["validate", "nonvalidate"], "CustomerContext": "ctx"},
                              Shipment={"Description": "d", "Package": [{"Packaging": {"Code": "02"}, "Weight": decimal.Decimal("5.125")}]},
                              _soapheaders={"UPSSecurity": {"UsernameToken": {"Username": "u", "Password": "p"}, "ServiceAccessToken": {"AccessLicenseNumber": "L1"}}})
assert r.Request.RequestOption == ["validate", "nonvalidate"] and r.Shipment.Package[0].Weight == decimal.Decimal("5.125"), r

# Workday: IDs with a qualified type attribute, dates, times, years, decimals.
c = client("workday")
r = c.service.Get_Workers(Request_Criteria={"Worker_Reference": [{"ID": [{"_value_1": "21001", "type": "Employee_ID"}, {"_value_1": "abc", "type": "WID"}], "Descriptor": "Logan"}],
                                            "Shift_Start": "09:30:00", "Fiscal_Year": (2026, None), "Annual_Salary": decimal.Decimal("12345678901234567890.123456")},
                          Response_Filter={"As_Of_Effective_Date": "2026-11-30", "As_Of_Entry_DateTime": "2026-11-30T08:00:00", "Page": 1, "Count": 100}, version="v42.0")
ref = r.Request_Criteria.Worker_Reference[0]
assert [(i._value_1, i.type) for i in ref.ID] == [("21001", "Employee_ID"), ("abc", "WID")] and ref.Descriptor == "Logan" and r.version == "v42.0", r
assert r.Request_Criteria.Annual_Salary == decimal.Decimal("12345678901234567890.123456") and r.Response_Filter.As_Of_Entry_DateTime.tzinfo is None, r
got = x.workday.Get_Workers({"version": "v42.0", "Request_Criteria": {"Worker_Reference": [{"ID": [{"_value": "1", "type": "WID"}]}], "Shift_Start": "09:30:00-05:00"}})
assert got["Request_Criteria"]["Shift_Start"] == "09:30:00-05:00" and got["Request_Criteria"]["Worker_Reference"][0]["ID"] == [{"type": "WID", "_value": "1"}], got
refused(lambda: x.workday.Get_Workers({"Request_Criteria": {"Worker_Reference": [{"ID": [{"_value": "1", "type": "Badge"}]}]}}), "Badge")

# eBay: a request type extending an abstract base with open content.
c = client("ebay")
r = c.service.AddFixedPriceItem(Version="1349", Title="Lamp", StartPrice={"_value_1": 9.99, "currencyID": "USD"}, Quantity=3,
                                _soapheaders={"RequesterCredentials": {"eBayAuthToken": "tok"}})
# zeep's xs:any in the base takes the extension's elements too (it reads
# open content greedily): they come back as raw elements, in order.
E = "{urn:corpus:ebay:apis}"
assert r.Version == "1349" and [(e.tag, e.text, e.get("currencyID")) for e in r._value_1] == [
    (E + "Title", "Lamp", None), (E + "StartPrice", "9.99", "USD"), (E + "Quantity", "3", None)], r
got = x.ebay.AddFixedPriceItem({"Version": "1", "Title": "Desk", "StartPrice": {"_value": 120, "currencyID": "EUR"}, "_any": ['<x:Promo xmlns:x="urn:other">spring</x:Promo>']})
assert got["Title"] == "Desk" and got["StartPrice"] == {"currencyID": "EUR", "_value": 120.0} and 'xmlns:x="urn:other"' in got["_any"][0] and got["_any"][0].endswith(">spring</x:Promo>"), got

# OAGIS: a type redefined by xs:redefine (zeep reads no xs:redefine: XML-RPC only).
got = x.oagis.SyncItemMaster({"releaseID": "10.6", "ApplicationArea": {"CreationDateTime": "2026-11-30T12:00:00Z"},
                              "DataArea": {"Sync": {"ActionCriteria": "Add"}, "ItemMaster": [{"ItemID": [{"_value": "I-1", "schemeAgencyID": "ACME"}], "HazardClass": "3",
                                                                                              "UserArea": {"_any": ['<acme:Color xmlns:acme="urn:acme">red</acme:Color>']}}]}})
item = got["DataArea"]["ItemMaster"][0]
assert item["HazardClass"] == "3" and item["ItemID"] == [{"schemeAgencyID": "ACME", "_value": "I-1"}] and "red</acme:Color>" in item["UserArea"]["_any"][0], got

# ASMX DataSet: XML Schema's own schema element, then the diffgram as raw
# XML. zeep renders no DataSet (its schema element is zeep's own Schema
# object): it calls without one; the DataSet goes over XML-RPC.
c = client("dataset")
r = c.service.Synchronize(since="2026-11-30T08:00:00Z")
assert r.since.utcoffset() == datetime.timedelta(0) and r.ds is None, r
got = x.dataset.Synchronize({"ds": {"schema": {"element": {"name": "Order"}}, "_any": ['<diffgr:diffgram xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"><Orders><Order>O-1</Order></Orders></diffgr:diffgram>']}})
assert got["ds"]["schema"] == {"element": {"name": "Order"}} and "<Order>O-1</Order>" in got["ds"]["_any"][0], got

# Axis2 java2wsdl: everything optional and nillable, an anyType member.
c = client("axis2")
r = c.service.update(customer={"id": 9223372036854775807, "name": zeep.xsd.Nil, "phones": ["+49 1", "+49 2"], "extra": zeep.xsd.AnyObject(zeep.xsd.String(), "free text")})
assert r.id == 9223372036854775807 and r.name is None and r.phones == ["+49 1", "+49 2"] and r.extra == "free text", r
xn = xmlrpc.client.ServerProxy(URL.replace("http://", "http://bob:builder@") + "/xmlrpc", allow_none=True)
got = xn.axis2.update({"customer": {"id": 7, "name": None, "phones": ["1"]}})
assert got == {"customer": {"id": 7, "name": None, "phones": ["1"]}}, got

# gSOAP rpc/encoded, from suds and XML-RPC.
from suds.client import Client as Suds  # noqa: E402

s = Suds(URL + "/soap/stats?wsdl", username="bob", password="builder")
s.set_options(location=URL + "/soap/stats")
import base64  # noqa: E402

s.set_options(headers={"Authorization": "Basic " + base64.b64encode(b"bob:builder").decode()})
arr = s.factory.create("{urn:corpus:gsoap:stats}ArrayOfdouble")
arr.item = [1.0, 2.0, 4.5]
res = s.service.summarize(arr, "total")
assert res.summary.count == 3 and abs(res.summary.mean - 2.5) < 1e-9 and res.summary.label == "TOTAL", res
got = x.stats.summarize({"values": [1, 2], "label": "x"})
assert got["summary"] == {"count": 2, "mean": 1.5, "label": "X"} and got["values"] == [1.0, 2.0], got
print("later corpus entries: all checks passed")
