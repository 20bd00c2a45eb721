<?php
// PHP's SoapClient (php-soap, rpc/encoded natively) through the gateway to
// an rpc/encoded service. Usage: php encoded_php.php URL.
$base = $argv[1];
function check($cond, $what) { if (!$cond) { fwrite(STDERR, "FAILED: $what\n"); exit(1); } }
$c = new SoapClient("$base/soap/catalog?wsdl", ["cache_wsdl" => WSDL_CACHE_NONE, "login" => "bob", "password" => "builder"]);
$found = $c->findProducts("lamp", 2);
check(count($found) == 2 && $found[0]->code == "lamp-1" && $found[1]->price == 21.0, "findProducts: " . json_encode($found));
check($found[1]->tags == ["lamp", "2"], "tags: " . json_encode($found[1]->tags));
$m = $c->getMatrix(2);
check($m == [[1, 0], [0, 1]], "getMatrix: " . json_encode($m));
$e = $c->echoProduct(["code" => "p-1", "price" => 2.5, "tags" => ["a"]]);
check($e->code == "p-1" && $e->price == 5.0 && $e->tags == ["a"], "echoProduct: " . json_encode($e));
echo "php rpc/encoded: all checks passed\n";
