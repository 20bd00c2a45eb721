"""zeep calling a Python SimpleXMLRPCServer upstream through the gateway, with
the WSDL the gateway publishes. Usage: zeep_to_xmlrpc.py GATEWAY_URL."""
import sys

import zeep
from zeep.exceptions import Fault

URL = sys.argv[1]
token = zeep.Client(URL + "/soap/session?wsdl").service.Login(username="bob", password="builder").token
for port in ("CalcPort", "CalcPort12"):
    calc = zeep.Client(URL + "/soap/calc?wsdl", service_name="CalcService", port_name=port).service
    h = {"Session": token}
    assert calc.Add(a=2, b=40, _soapheaders=h) == 42
    r = calc.Convert(amount=10, rate=1.5, _soapheaders=h)
    assert r.result == 15.0 and r.note == "converted", r
    assert calc.WhoCalls(_soapheaders=h) == "bob [staff]"
    try:
        calc.Refuse(what="it", _soapheaders=h)
        raise AssertionError("no fault")
    except Fault as f:
        assert f.message == "refused: it" and f.code.endswith(("Server", "Receiver")), (f.code, f.message)
print("zeep -> SimpleXMLRPCServer: all checks passed")
