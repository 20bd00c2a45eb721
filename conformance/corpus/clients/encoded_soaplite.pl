# Perl's SOAP::Lite, whose native style is rpc/encoded, through the gateway
# to an rpc/encoded service. Usage: perl encoded_soaplite.pl URL.
use strict;
use warnings;
use SOAP::Lite;
use MIME::Base64;

my $base = shift or die "usage: $0 URL\n";
sub ok { my ($cond, $what) = @_; die "FAILED: $what\n" unless $cond; }
my $c = SOAP::Lite->proxy("$base/soap/catalog")->uri("urn:corpus:axis:catalog")->on_action(sub { "" });
$c->transport->http_request->header(Authorization => "Basic " . encode_base64("bob:builder", ""));
my $som = $c->findProducts(SOAP::Data->name(query => "lamp")->type("string"), SOAP::Data->name(limit => 2)->type("int"));
ok(!$som->fault, "findProducts: " . ($som->fault ? $som->faultstring : ""));
my $list = $som->result;
ok(ref $list eq "ARRAY" && @$list == 2 && $list->[1]{code} eq "lamp-2" && $list->[1]{price} == 21, "findProducts result");
$som = $c->getMatrix(SOAP::Data->name(size => 2)->type("int"));
ok(!$som->fault && $som->result->[1][1] == 1 && $som->result->[0][1] == 0, "getMatrix");
print "SOAP::Lite rpc/encoded: all checks passed\n";
