# Perl clients that send credentials only when challenged, as LWP does
# with credentials(): SOAP::Lite (over LWP) and a plain LWP XML-RPC post.
# Usage: perl challenge.pl URL. Dies on a failed check.
use strict;
use warnings;
use SOAP::Lite;
use LWP::UserAgent;
use HTTP::Request;
use URI;

my $base = shift or die "usage: $0 URL\n";
my $hostport = URI->new($base)->host_port;
sub ok { my ($cond, $what) = @_; die "FAILED: $what\n" unless $cond; }

# SOAP::Lite: the realm's credentials, sent only after the 401.
my $soap = SOAP::Lite->proxy("$base/soap/inventory", credentials => [$hostport, "gateway", "bob", "builder"])
    ->default_ns("urn:gateway:examples:inventory")->on_action(sub { "urn:gateway:examples:inventory#$_[1]" })->autotype(0);
my $som = $soap->call("GetItem", SOAP::Data->name(sku => "A-1"));
ok(!$som->fault, "SOAP GetItem after the challenge: " . ($som->fault ? $som->faultstring : ""));
ok($som->valueof('//GetItemResponse/item/name') eq "Widget", "SOAP GetItem's item");

# The same client without credentials: the fault is still in the 401's body.
my $anon = SOAP::Lite->proxy("$base/soap/inventory")->default_ns("urn:gateway:examples:inventory")->autotype(0);
$som = $anon->call("GetItem", SOAP::Data->name(sku => "A-1"));
ok($som->fault && $som->faultstring =~ /^no session/, "SOAP without credentials: the Unauthenticated fault");

# XML-RPC over LWP with credentials for the realm.
my $ua = LWP::UserAgent->new;
$ua->credentials($hostport, "gateway", "bob", "builder");
my $req = HTTP::Request->new(POST => "$base/xmlrpc", ["Content-Type" => "text/xml"],
    "<?xml version=\"1.0\"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value>A-1</value></param></params></methodCall>");
my $resp = $ua->request($req);
ok($resp->code == 200 && $resp->content =~ /Widget/, "XML-RPC after the challenge: " . $resp->code);
ok($resp->previous && $resp->previous->code == 401 && $resp->previous->header("WWW-Authenticate") =~ /^Basic realm="gateway"/, "the challenge came first");
print "challenge: all checks passed\n";
