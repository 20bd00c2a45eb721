"""zeep reads the WSDL the gateway publishes for each service named, with
its imports, without the network. Usage: zeep_load.py GATEWAY_URL SERVICE..."""
import sys

import zeep

URL = sys.argv[1]
for svc in sys.argv[2:]:
    c = zeep.Client(URL + "/soap/" + svc + "?wsdl")
    ops = [op for s in c.wsdl.services.values() for p in s.ports.values() for op in p.binding._operations]
    assert ops, svc
    for s in c.wsdl.services.values():
        for p in s.ports.values():
            assert p.binding_options["address"].startswith(URL), (svc, p.binding_options["address"])
print("zeep loads every published corpus WSDL")
