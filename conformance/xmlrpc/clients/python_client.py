"""Python's xmlrpc.client against a running gateway, as a desktop client
would use it. Usage: python_client.py URL IDLE_URL
URL is a gateway with the default timeouts; IDLE_URL one whose idle timeout
is 2 seconds. Exits non-zero on the first failed check."""
import sys
import threading
import time
import urllib.parse
import xmlrpc.client as xc

URL, IDLE_URL = sys.argv[1], sys.argv[2]


class SessionTransport(xc.Transport):
    """Sends the session token as the X-Gateway-Session header or the cookie."""

    def __init__(self, token, how="header"):
        super().__init__()
        self.token, self.how = token, how

    def send_headers(self, connection, headers):
        if self.how == "header":
            connection.putheader("X-Gateway-Session", self.token)
        else:
            connection.putheader("Cookie", "gw_session=" + self.token)
        super().send_headers(connection, headers)


def proxy(url, token=None, how="header"):
    transport = SessionTransport(token, how) if token else None
    return xc.ServerProxy(url + "/xmlrpc", transport=transport, allow_none=True)


def fault(code, fn, *args, starts=None):
    try:
        fn(*args)
    except xc.Fault as f:
        assert f.faultCode == code, "want fault %d, got %d %r" % (code, f.faultCode, f.faultString)
        if starts:
            assert f.faultString.startswith(starts), f.faultString
        for leak in ("Traceback", "goroutine", "uid=", "dc=", "wonderland"):
            assert leak not in f.faultString, "fault leaks %r: %r" % (leak, f.faultString)
        return f
    raise AssertionError("no fault %d from %r" % (code, args))


def check(name):
    print("ok", name, flush=True)


anon = proxy(URL)

# Login returns a 256-bit URL-safe token, the username and the expiry.
login = anon.session.login("alice", "wonderland")
token = login["token"]
assert len(token) == 43 and set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), token
assert login["username"] == "alice"
assert isinstance(login["expires"], xc.DateTime)
check("login")

a1 = proxy(URL, token)
items = a1.inventory.ListItems()["item"]
assert [(i["sku"], i["name"], i["price"]) for i in items] == [("A-1", "Widget", 2.5), ("B-2", "Gadget", 19.99), ("C-3", "Gizmo", 7.25)], items
assert a1.inventory.GetItem("A-1")["item"]["stock"] == 40
assert a1.inventory.GetItem({"sku": "B-2"})["item"]["name"] == "Gadget"
check("ListItems and GetItem, positional and struct")

r1 = a1.inventory.Reserve("A-1", 3)["reservation"]
assert r1["sku"] == "A-1" and r1["quantity"] == 3 and isinstance(r1["reservedAt"], xc.DateTime)
r2 = a1.inventory.Reserve({"sku": "A-1", "quantity": 2})["reservation"]
assert a1.inventory.GetItem("A-1")["item"]["stock"] == 35, "reserving lowers the stock"
check("Reserve")

# The cookie works as well as the header.
a1c = proxy(URL, token, how="cookie")
mine = [r["id"] for r in a1c.inventory.MyReservations()["reservation"]]
assert mine == [r1["id"], r2["id"]], mine
assert a1c.inventory.CancelReservation(r2["id"]) == {"cancelled": True}
assert a1.inventory.GetItem("A-1")["item"]["stock"] == 37, "cancelling restores the stock"
check("cookie transport, MyReservations, CancelReservation")

# Every fault of the contract, with its code.
fault(-32001, anon.session.login, "alice", "wrong")
fault(-32001, anon.session.login, "nobody", "wonderland")
fault(-32001, anon.session.login, "alice", "")
fault(-32001, anon.inventory.ListItems)
fault(-32001, proxy(URL, "not-a-token").inventory.ListItems)
fault(-32001, anon.session.whoami)
carol = proxy(URL, anon.session.login("carol", "carol-pass")["token"])
fault(-32003, carol.inventory.ListItems)
assert carol.session.whoami()["groups"] == []
fault(-32601, a1.inventory.NoSuchOperation)
fault(-32601, a1.nosuchservice.Op)
fault(-32601, a1.session.bogus)
fault(-32602, a1.inventory.Reserve, "A-1", "lots")
fault(-32602, a1.inventory.Reserve, "A-1")
fault(-32602, a1.inventory.Reserve, "A-1", 1, 2)
fault(-32602, a1.inventory.GetItem, {"sku": "A-1", "colour": "red"})
fault(-32500, a1.inventory.GetItem, "Z-9", starts="UnknownItem")
fault(-32500, a1.inventory.Reserve, "C-3", 1, starts="OutOfStock")
fault(-32500, a1.inventory.Reserve, "A-1", 0, starts="InvalidQuantity")
fault(-32500, a1.inventory.CancelReservation, "R-999", starts="UnknownReservation")
fault(-32003, carol.inventory.Reserve, "A-1", 1)
check("faults -32001 -32003 -32601 -32602 -32500")

# A reservation of another user is not yours to cancel, nor to know of.
bob = proxy(URL, anon.session.login("bob", "builder")["token"])
fault(-32500, bob.inventory.CancelReservation, r1["id"], starts="UnknownReservation")
assert bob.inventory.MyReservations()["reservation"] == []
check("reservations belong to their perspective")

# multicall: each call its own result or fault.
mc = xc.MultiCall(a1)
mc.inventory.GetItem("A-1")
mc.inventory.GetItem("Z-9")
mc.no.such()
mc.session.whoami()
results = mc()
assert results[0]["item"]["sku"] == "A-1"
for i, code in ((1, -32500), (2, -32601)):
    try:
        results[i]
        raise AssertionError("multicall entry %d should be a fault" % i)
    except xc.Fault as f:
        assert f.faultCode == code, f
assert results[3]["username"] == "alice"
fault(-32600, a1.system.multicall, [{"methodName": "inventory.ListItems", "params": []}] * 101)
check("system.multicall")

methods = anon.system.listMethods()
for m in ("session.login", "session.events", "system.multicall", "inventory.Reserve", "inventory.CancelReservation"):
    assert m in methods, m
assert anon.system.methodSignature("inventory.Reserve") == [["struct", "struct"], ["struct", "string", "int"]]
assert "quantity" in anon.system.methodHelp("inventory.Reserve")
assert anon.system.getCapabilities()["faults_interop"]["specVersion"] == 20010516
fault(-32601, anon.system.methodHelp, "no.such")
check("introspection")

# Two clients of alice share one perspective.
login2 = anon.session.login("alice", "wonderland")
a2 = proxy(URL, login2["token"])
assert [r["id"] for r in a2.inventory.MyReservations()["reservation"]] == [r1["id"]]
who = a1.session.whoami()
assert who["dn"] == "uid=alice,ou=people,dc=example,dc=org" and sorted(who["groups"]) == ["admins", "staff"], who
ids = [c["id"] for c in who["clients"]]
assert len(ids) == 2 and all(c["protocol"] == "xmlrpc" for c in who["clients"]), who["clients"]
check("shared perspective and whoami")

feed = a1.session.events(0, 0)
mine_id = [c["id"] for c in who["clients"] if c["attachedAt"] and c["id"] != ids[-1]]
attached = [e for e in feed["events"] if e["kind"] == "attached"]
assert len(attached) == 2, feed
second_id = attached[-1]["client"]["id"]
since = feed["next"]

# Long-poll: the first client waits; the second logs out; the event arrives
# at once, and exactly once.
got = {}


def poll():
    t0 = time.time()
    got["feed"] = proxy(URL, token).session.events(since, 10)
    got["took"] = time.time() - t0


th = threading.Thread(target=poll)
th.start()
time.sleep(0.5)
assert a2.session.logout() is True
th.join()
assert got["took"] < 5, "long-poll answered after %.1fs" % got["took"]
detached = [e for e in got["feed"]["events"] if e["kind"] == "detached"]
assert len(detached) == 1 and detached[0]["client"]["id"] == second_id, got["feed"]
fault(-32001, a2.session.whoami)
later = a1.session.events(got["feed"]["next"], 0)
assert later["events"] == [], "detached was reported twice: %r" % later
check("attached and detached events, long-poll")

# HTTP Basic on each call, no login; repeated calls reuse one session.
u = urllib.parse.urlsplit(URL)
basic = xc.ServerProxy("%s://bob:builder@%s/xmlrpc" % (u.scheme, u.netloc), allow_none=True)
before = len(bob.session.whoami()["clients"])
for _ in range(3):
    assert basic.inventory.GetItem("B-2")["item"]["sku"] == "B-2"
after = bob.session.whoami()["clients"]
assert len(after) == before + 1, "3 Basic calls made %d sessions" % (len(after) - before)
fault(-32001, xc.ServerProxy("%s://bob:wrong@%s/xmlrpc" % (u.scheme, u.netloc)).inventory.ListItems)
check("HTTP Basic per-call credentials share one session")

# Idle timeout (2 s on IDLE_URL): the idle client detaches exactly once and
# its next call is refused.
idle_anon = proxy(IDLE_URL)
watcher_token = idle_anon.session.login("bob", "builder")["token"]
sleeper = idle_anon.session.login("bob", "builder")
watcher = proxy(IDLE_URL, watcher_token)
since = watcher.session.events(0, 0)["next"]
seen = []
deadline = time.time() + 8
while time.time() < deadline and not any(e["kind"] == "detached" and e["client"]["id"] != "" for e in seen):
    r = watcher.session.events(since, 1)  # keeps the watcher itself alive
    seen += r["events"]
    since = r["next"]
detached = [e for e in seen if e["kind"] == "detached"]
assert len(detached) == 1 and detached[0].get("reason") == "idle", seen
fault(-32001, proxy(IDLE_URL, sleeper["token"]).inventory.ListItems)
time.sleep(0.5)
assert watcher.session.events(since, 0)["events"] == [], "idle detach reported twice"
check("idle timeout detaches once")
print("python xmlrpc.client: all checks passed")
