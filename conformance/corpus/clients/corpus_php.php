<?php
// PHP's SoapClient through the gateway to corpus services of several
// shapes: ASMX document/literal (rates), CXF rpc/literal (orders), PayPal
// amounts with attributes (payments). Usage: php corpus_php.php URL.
$base = $argv[1];
function check($cond, $what) { if (!$cond) { fwrite(STDERR, "FAILED: $what\n"); exit(1); } }
$opts = ["cache_wsdl" => WSDL_CACHE_NONE, "login" => "bob", "password" => "builder", "exceptions" => true];
$rates = new SoapClient("$base/soap/rates?wsdl", $opts);
check($rates->Convert(["amount" => 21.5, "currency" => "EUR"])->ConvertResult == 43.0, "rates Convert");
$orders = new SoapClient("$base/soap/orders?wsdl", $opts);
$r = $orders->placeOrder("ACME", ["id" => "O-3", "quantity" => 2, "tag" => ["p"]]);
check($r["receipt"]->id == "O-3" && $r["total"] == 20, "orders placeOrder: " . json_encode($r));
$pay = new SoapClient("$base/soap/payments?wsdl", $opts);
$p = $pay->DoPayment(["Token" => "EC-3", "Details" => ["OrderTotal" => ["_" => "7.25", "currencyID" => "GBP"], "version" => "4"]]);
check($p->Ack == "Success" && $p->Charged->_ == "7.25" && $p->Charged->currencyID == "GBP" && $p->status == "settled", "payments: " . json_encode($p));
echo "php corpus: all checks passed\n";
