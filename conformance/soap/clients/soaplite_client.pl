# Perl's SOAP::Lite (libsoap-lite-perl) against a running gateway.
# Usage: perl soaplite_client.pl URL. Dies on a failed check.
use strict;
use warnings;
use SOAP::Lite;

my $base = shift or die "usage: $0 URL\n";
sub client {
    my ($svc, $ns) = @_;
    return SOAP::Lite->proxy("$base/soap/$svc")->default_ns($ns)->on_action(sub { "$ns#$_[1]" })->autotype(0);
}
sub ok { my ($cond, $what) = @_; die "FAILED: $what\n" unless $cond; }
sub fault_like {
    my ($som, $code, $starts) = @_;
    ok($som->fault, "a fault $starts");
    ok($som->faultcode =~ /$code$/, "faultcode " . $som->faultcode . " is $code");
    ok(index($som->faultstring, $starts) == 0, "faultstring " . $som->faultstring . " starts with $starts");
}
my $session = client("session", "urn:gateway:session");
my $som = $session->call("Login", SOAP::Data->name(username => "bob"), SOAP::Data->name(password => "builder"));
ok(!$som->fault, "Login");
my $hdr = SOAP::Header->name(Session => $som->valueof('//LoginResponse/token'))->uri("urn:gateway:session");
my $inv = client("inventory", "urn:gateway:examples:inventory");
sub call { my ($op, @params) = @_; return $inv->call($op, (map { SOAP::Data->name($_->[0] => $_->[1]) } @params), $hdr); }

$som = call("ListItems");
ok(!$som->fault && scalar(my @i = $som->valueof('//ListItemsResponse/item')) == 3, "ListItems");
$som = call("GetItem", [sku => "B-2"]);
ok(!$som->fault && $som->valueof('//GetItemResponse/item/name') eq "Gadget", "GetItem");
$som = call("Reserve", [sku => "B-2"], [quantity => 1]);
ok(!$som->fault, "Reserve");
my $id = $som->valueof('//reservation/id');
$som = call("MyReservations");
ok(grep({ $_ eq $id } $som->valueof('//reservation/id')), "MyReservations");
$som = call("CancelReservation", [id => $id]);
ok(!$som->fault && $som->valueof('//cancelled') eq "true", "CancelReservation");
print "ok every operation\n";

fault_like(call("GetItem", [sku => "Z-9"]), "Server", "UnknownItem");
fault_like(call("Reserve", [sku => "C-3"], [quantity => 1]), "Server", "OutOfStock");
fault_like(call("Reserve", [sku => "A-1"], [quantity => 0]), "Server", "InvalidQuantity");
fault_like(call("CancelReservation", [id => "R-0"]), "Server", "UnknownReservation");
fault_like(call("Reserve", [sku => "A-1"], [quantity => "many"]), "Client", "element Reserve.quantity");
fault_like($inv->call("GetItem", SOAP::Data->name(sku => "A-1")), "Client", "no session");
$som = $session->call("Login", SOAP::Data->name(username => "carol"), SOAP::Data->name(password => "carol-pass"));
my $carol = SOAP::Header->name(Session => $som->valueof('//LoginResponse/token'))->uri("urn:gateway:session");
fault_like($inv->call("ListItems", $carol), "Client", "user carol");
fault_like($session->call("Login", SOAP::Data->name(username => "bob"), SOAP::Data->name(password => "x")), "Client", "invalid username or password");
print "ok faults\n";
print "soaplite: all checks passed\n";
